"""The worker `newsdesk demo` runs beside its site: the real `newsdesk worker --allow-loopback`, as a child process
whose output goes to a log file in the data dir, stopped when the demo stops (and killed by the kernel if the demo
dies outright), so the demo is a live system: feeds refreshed when due, quiet stories closed, a display policy changed
in the admin carried into search."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from newsdesk.site.serving import die_with_parent

WORKER_LOG_NAME = "demo-worker.log"
# A cycle the SIGTERM finds running is finished first (its fetches come from the world, in this process, still up).
WORKER_STOP_TIMEOUT_S = 30.0
WORKER_STARTED = "worker: refreshes due feeds and runs the periodic jobs (pid {pid}); its log: {log}"
WORKER_KILLED = "worker (pid {pid}) did not stop within {timeout:g}s: killed"


def worker_argv() -> list[str]:
    return [sys.executable, "-m", "newsdesk", "worker", "--allow-loopback"]


def worker_log_path() -> Path:
    return Path(settings.DATA_DIR) / WORKER_LOG_NAME


def worker_start(*, log_path: Path) -> subprocess.Popen:
    """Start the worker, appending its stdout and stderr to `log_path`. Settings come through the environment, and
    the site URL the demo chose (`--port`) with them, so the worker's absolute URLs name the demo's site too."""
    env = {**os.environ, "NEWSDESK_SITE_URL": settings.SITE_URL}
    parent_pid = os.getpid()
    with log_path.open("ab") as log:
        return subprocess.Popen(
            worker_argv(),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: Ctrl-C in the terminal reaches the demo alone, which then stops the worker
            # with SIGTERM (a SIGINT would interrupt whatever the worker is doing with a traceback in its log).
            process_group=0,
            preexec_fn=lambda: die_with_parent(parent_pid),  # a prctl and a getppid only (see there)
        )


def worker_stop(process: subprocess.Popen, *, timeout_s: float = WORKER_STOP_TIMEOUT_S) -> bool:
    """SIGTERM (the worker ends its cycle and exits), SIGKILL after `timeout_s`; False when it had to be killed."""
    if process.poll() is not None:
        return True
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
        return True
    except subprocess.TimeoutExpired:
        pass
    except KeyboardInterrupt:  # a second Ctrl-C while waiting: stop now, and let the interrupt go on
        process.kill()
        process.wait()
        raise
    process.kill()
    process.wait()
    return False


@contextmanager
def demo_worker(stdout) -> Iterator[subprocess.Popen]:
    """The worker running for the duration of the block, whichever way the block ends."""
    log_path = worker_log_path()
    process = worker_start(log_path=log_path)
    stdout.write(WORKER_STARTED.format(pid=process.pid, log=log_path))
    try:
        yield process
    finally:
        if not worker_stop(process):
            stdout.write(WORKER_KILLED.format(pid=process.pid, timeout=WORKER_STOP_TIMEOUT_S))
