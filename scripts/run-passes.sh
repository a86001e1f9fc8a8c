#!/usr/bin/env bash
# Run the test passes of `make test` at the same time, each into its own log, and print each log whole, under a
# header with its exit status and wall time, as soon as that pass ends: two passes' progress lines never mix.
#
#   scripts/run-passes.sh NAME COMMAND [NAME COMMAND ...]
#
# Exits 0 only if every pass exited 0. Interrupted, it stops the passes still running.
set -uo pipefail

[ $# -ge 2 ] && [ $(($# % 2)) = 0 ] || { echo "usage: $0 NAME COMMAND [NAME COMMAND ...]" >&2; exit 2; }

logs="$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-test-passes.XXXXXX")"
names=()
pids=()
started="$(date +%s)"

stop_passes() {
  local pid
  for pid in "${pids[@]}"; do
    # Each pass runs in its own process group (set -m below): stop the pass and every server it started.
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
}
trap 'stop_passes; rm -rf "$logs"; exit 130' INT TERM

set -m  # a process group per pass, so an interrupted run can stop a pass with all its children
while [ $# -gt 0 ]; do
  n=${#names[@]}
  names+=("$1")
  (bash -c "$2" >"$logs/$n.log" 2>&1; echo $? >"$logs/$n.status.tmp"; mv "$logs/$n.status.tmp" "$logs/$n.status") &
  pids+=($!)
  shift 2
done
set +m
joined() { local IFS=";"; echo "$*" | sed 's/;/; /g'; }
echo "running at once: $(joined "${names[@]}") (each pass's output follows when it ends)"

status=0
summary=()
left=${#names[@]}
declare -A shown=()
while [ "$left" -gt 0 ]; do
  sleep 1
  for n in "${!names[@]}"; do
    [ -n "${shown[$n]:-}" ] || [ ! -f "$logs/$n.status" ] && continue
    shown[$n]=1
    left=$((left - 1))
    code="$(cat "$logs/$n.status")"
    line="${names[$n]}: exit $code after $(($(date +%s) - started)) s"
    echo "===== $line ====="
    cat "$logs/$n.log"
    summary+=("$line")
    [ "$code" = 0 ] || status=1
  done
done
wait
echo "===== passes: $(joined "${summary[@]}")"
rm -rf "$logs"
exit $status
