"""A mixed load held at a fixed rate, for `newsdesk bench serve`'s p99_ms_at_200rps. wrk cannot hold a rate (and
wrk2 is not in Debian), so this drives autocannon (npm, installed into the virtualenv by `make bench`) through
fixed_rate.js: it spaces requests to hold the overall rate and reports the latency distribution of what it sent."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

AUTOCANNON_VERSION = "9.0.0"
NODE_MODULES = Path(sys.prefix) / "node_modules"
SCRIPT = Path(__file__).with_name("fixed_rate.js")
AUTOCANNON_MISSING = f"autocannon is not installed: `make bench` does (npm install --prefix {sys.prefix} autocannon@{AUTOCANNON_VERSION})"


def fixed_rate_run(base: str, paths: list[str], *, rate: int, seconds: int) -> dict:
    """rps reached, p50/p99/max in ms, errors (socket errors, timeouts and answers other than 2xx/3xx)."""
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "autocannon").is_dir():
        raise RuntimeError(AUTOCANNON_MISSING)
    done = subprocess.run(
        [node, str(SCRIPT), base, str(rate), str(seconds), *paths],
        env={"NODE_PATH": str(NODE_MODULES), "PATH": str(Path(node).parent)},
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"autocannon failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
