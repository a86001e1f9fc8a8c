"""The documented commands as a user runs them: real `newsdesk` processes on loopback ports, judged by what they
leave behind (rows, pages, a working admin login), not by their exit code alone."""

import base64
import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
from html import escape
from pathlib import Path

import httpx
import pytest
from django_otp.oath import totp

from newsdesk.articles.models import Article
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.demo import world_directory_load
from newsdesk.ingest.jobs import periodic_jobs
from newsdesk.site.serving import PORT_IN_USE
from newsdesk.sources.models import Feed
from newsdesk_bench.stack import free_port
from newsdesk_world.demo_worker import WORKER_LOG_NAME
from newsdesk_world.generator import generate_world
from newsdesk_world.server import serve_world
from tests.postgres.subprocess_db import REPO, child_env, python_argv

pytestmark = pytest.mark.slow

# Generous: these start Django (and for the demo a whole world) on a shared, loaded 2-core CI machine.
COMMAND_TIMEOUT_S = 240
SERVER_START_TIMEOUT_S = 60
# Ctrl-C stops `newsdesk serve` and `newsdesk demo` (its worker included) within ~1-3 s; a worker that missed its
# shutdown made it ~20 s (granian's workers_kill_timeout): see test_ctrl_c_stops_serve_and_its_workers_within_seconds.
CTRL_C_STOP_S = 8


def _own_data_dir_env(data_dir: Path) -> dict[str, str]:
    """A user's environment: production settings (the console script's default), data in `data_dir`."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "NEWSDESK_DATABASE_URL")}
    env.update(
        NEWSDESK_DATA_DIR=str(data_dir),
        NEWSDESK_SECRET_KEY="test-only-secret-key-" + "x" * 40,
        NEWSDESK_WEBSUB_AUTOSUBSCRIBE="0",
        PYTHONPATH=str(REPO),
        PYTHONUNBUFFERED="1",
    )
    return env


def _newsdesk(*args: str) -> list[str]:
    return python_argv("-m", "newsdesk", *args)


def _serve(env: dict[str, str], log: Path, *options: str, own_group: bool = False) -> tuple[subprocess.Popen, str]:
    """Start `newsdesk serve` on a free port and wait until it answers; `own_group`: in a session and process group
    of its own, as a terminal runs a command in the foreground (its pid is the group's id)."""
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            _newsdesk("serve", "--port", str(port), "--threads", "2", *options),
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=own_group,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        if server.poll() is not None:
            pytest.fail(f"newsdesk serve exited ({server.returncode}):\n{log.read_text()}")
        try:
            httpx.get(base + "/robots.txt", timeout=2)
            return server, base
        except httpx.TransportError:
            if time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"newsdesk serve did not answer within {SERVER_START_TIMEOUT_S}s:\n{log.read_text()}")
            time.sleep(0.2)


def _ctrl_c(process: subprocess.Popen) -> tuple[int, float]:
    """SIGINT to the process group of `process` (started in a session of its own), as a terminal's Ctrl-C sends it;
    its exit status and the seconds it took to exit (killed after 30 s)."""
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    try:
        returncode = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        returncode = process.wait(timeout=10)
    return returncode, time.monotonic() - started


def _csrf_token(page: httpx.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _admin_login(base: str, username: str, password: str) -> httpx.Response:
    """The staff's first sign-in: the admin sends it to the accounts page, the password leads to setting up TOTP,
    and the first code from the key the page shows opens the admin."""
    with httpx.Client(base_url=base, timeout=10, follow_redirects=True) as browser:
        form = browser.get("/admin/login/?next=/admin/")
        setup = browser.post(
            str(form.url),
            data={"csrfmiddlewaretoken": _csrf_token(form), "username": username, "password": password},
            headers={"Referer": str(form.url)},
        )
        secret = re.search(r'class="totp-secret">([^<]+)<', setup.text).group(1).replace(" ", "")
        code = f"{totp(base64.b32decode(secret + '=' * (-len(secret) % 8))):06d}"
        return browser.post(
            str(setup.url),
            data={"csrfmiddlewaretoken": _csrf_token(setup), "code": code, "next": "/admin/"},
            headers={"Referer": str(setup.url)},
        )


def _demo_serving(env: dict[str, str], out: Path) -> tuple[subprocess.Popen, str]:
    """Start `newsdesk demo` (a small world on free ports, one site process) and wait until its site answers."""
    port = free_port()
    argv = _newsdesk("demo", "--port", str(port), "--world-port", "0", "--seed", "5", "--slow-delay", "0.2")
    with out.open("w") as stdout:
        # In a session of its own, as a terminal runs it: stopped with Ctrl-C's SIGINT to its group (_ctrl_c).
        demo = subprocess.Popen(
            argv, cwd=REPO, env=env, stdout=stdout, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        assert demo.poll() is None, out.read_text()
        with contextlib.suppress(httpx.TransportError):
            return httpx.get(base + "/robots.txt", timeout=2).status_code == 200
        return False

    if not _wait_until(answers, COMMAND_TIMEOUT_S):  # the world's ingest comes first: most of the wait
        demo.kill()
        pytest.fail(f"newsdesk demo did not serve within {COMMAND_TIMEOUT_S}s:\n{out.read_text()}")
    return demo, base


def _jobs_done(database: Path) -> dict[str, str]:
    """{name: the worker that last finished it} of the periodic jobs the database records as done."""
    with contextlib.closing(sqlite3.connect(database, timeout=10)) as db:
        rows = db.execute("SELECT name, last_owner FROM ingest_periodicjob WHERE last_finished_at IS NOT NULL")
        return dict(rows.fetchall())


# `newsdesk demo`: one run (the world's ingest is most of this module's time) shows what it ingested, its site with a
# working admin login, and the worker it runs beside the site (its jobs done, its lines in its log, not on the console).
def test_demo_ingests_the_world_and_serves_it_with_a_working_admin_login_and_a_worker_it_stops(tmp_path):
    data = tmp_path / "data"
    out = tmp_path / "demo.out"
    every_job = {job.name for job in periodic_jobs()}
    demo, base = _demo_serving(_own_data_dir_env(data) | {"NEWSDESK_SERVE_WORKERS": "1"}, out)
    try:
        printed = out.read_text()
        held = re.search(r"database holds (\d+) articles from (\d+) publishers", printed)
        login = re.search(r"admin login: (\S+) / (\S+)", printed)
        started = re.search(r"^worker: .*\(pid (\d+)\); its log: (.+)$", printed, re.MULTILINE)
        assert held, printed
        assert login, printed
        assert started, printed
        worker_pid, worker_log = int(started.group(1)), Path(started.group(2))
        home = httpx.get(base + "/", timeout=10)
        api = httpx.get(base + "/api/articles?limit=5", timeout=10)
        admin = _admin_login(base, login.group(1), login.group(2))
        # The worker's first cycle claims every periodic job, none having run before: closing quiet stories, reindex.
        jobs_done = _wait_until(lambda: set(_jobs_done(data / "newsdesk.sqlite3")) == every_job, 60)
        owners = _jobs_done(data / "newsdesk.sqlite3")
        worker_ran = _running(worker_pid)
    finally:
        returncode, stop_s = _ctrl_c(demo)

    articles, publishers = int(held.group(1)), int(held.group(2))
    assert articles >= 300
    assert publishers >= 12
    with contextlib.closing(sqlite3.connect(data / "newsdesk.sqlite3")) as db:
        assert db.execute("SELECT count(*) FROM articles_article").fetchone()[0] == articles
        assert db.execute("SELECT count(*) FROM auth_user WHERE is_superuser").fetchone()[0] == 1
    assert home.status_code == 200
    assert api.status_code == 200
    assert len(api.json()["items"]) == 5
    assert api.json()["next"]
    assert escape(api.json()["items"][0]["title"]) in home.text  # the newest article heads the home page
    assert admin.status_code == 200
    assert str(admin.url).endswith("/admin/")
    assert "What needs attention" in admin.text  # the operator's desk
    assert "Moderation queue" in admin.text
    assert worker_ran
    assert worker_log == data / WORKER_LOG_NAME
    assert jobs_done, owners
    assert {owner.split(":")[1] for owner in owners.values()} == {str(worker_pid)}  # host:pid:random
    log = worker_log.read_text()
    assert re.search(r"^job stories_close: \d+ stor(y|ies) closed", log, re.MULTILINE), log
    assert log.rstrip().endswith("stopped"), log  # stopped by the demo's SIGTERM, not killed
    assert "job stories_close" not in out.read_text()  # the worker's lines are in its log, not on the console
    assert not _running(worker_pid)
    assert returncode == 0
    assert stop_s < CTRL_C_STOP_S, f"Ctrl-C took {stop_s:.1f}s to stop newsdesk demo"
    with socket.socket() as probe:  # the port is released
        assert probe.connect_ex(("127.0.0.1", int(base.rsplit(":", 1)[1]))) != 0


def test_the_demo_worker_dies_with_a_demo_killed_outright(tmp_path):
    """SIGKILL gives the demo no chance to stop its worker: the kernel does (die_with_parent, as for granian's)."""
    parent = subprocess.Popen(
        [
            *python_argv("-c"),
            "import django, sys, time; from pathlib import Path; django.setup();"
            "from newsdesk_world.demo_worker import worker_start;"
            "print(worker_start(log_path=Path(sys.argv[1])).pid, flush=True); time.sleep(120)",
            str(tmp_path / WORKER_LOG_NAME),
        ],
        cwd=REPO,
        env=_own_data_dir_env(tmp_path / "data") | {"DJANGO_SETTINGS_MODULE": "config.settings.prod"},
        stdout=subprocess.PIPE,
        text=True,
    )
    worker_pid = None
    try:
        worker_pid = int(parent.stdout.readline())
        started = _running(worker_pid)
    finally:
        parent.kill()
        parent.wait(timeout=10)
        parent.stdout.close()
    try:
        ended = _wait_until(lambda: not _running(worker_pid), 10)
    finally:  # whatever the outcome, this test leaves nothing running
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker_pid, signal.SIGKILL)

    assert started
    assert ended, "the demo's worker still runs after the demo was killed"


@pytest.fixture
def world():
    server = serve_world(generate_world(seed=13, slow_delay_s=0.2))
    yield server
    server.stop()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ingest_once_stores_every_article_of_the_world_and_a_due_pass_then_has_nothing_to_do(world):
    world_directory_load(world.base_url, IngestContext.from_settings(allow_loopback=True))
    feeds = Feed.objects.count()

    def ingest(*options: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            _newsdesk("ingest", "--once", "--allow-loopback", "--threads", "2", "--no-progress", *options),
            cwd=REPO,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
        )

    full = ingest()
    due = ingest("--due")

    assert full.returncode == 0, full.stdout + full.stderr
    summary = re.search(r"ingested (\d+) feeds in [0-9.]+s: (\d+) new, (\d+) updated", full.stdout)
    assert summary, full.stdout
    assert int(summary.group(1)) == feeds
    assert int(summary.group(2)) == Article.objects.count() == len(world.world.articles)
    assert not Feed.objects.filter(last_checked_at__isnull=True).exists()
    assert due.returncode == 0, due.stdout + due.stderr
    assert re.search(r"ingested 0 feeds in [0-9.]+s: 0 new", due.stdout), due.stdout


@pytest.mark.django_db(transaction=True)
def test_ingest_without_once_is_refused_with_a_one_line_error():
    refused = subprocess.run(
        _newsdesk("ingest"), cwd=REPO, env=child_env(), capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S
    )

    assert refused.returncode != 0
    assert refused.stderr.strip() == "CommandError: ingest needs --once (for continuous polling run `newsdesk worker`)"


def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = subprocess.run(
            _newsdesk("serve", "--port", str(port)),
            cwd=REPO,
            env=_own_data_dir_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
        )

    assert refused.returncode == 1
    assert refused.stderr.strip() == "CommandError: " + PORT_IN_USE.format(host="127.0.0.1", port=port)


def test_demo_with_its_world_port_taken_says_so_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = subprocess.run(
            _newsdesk("demo", "--no-serve", "--world-port", str(port)),
            cwd=REPO,
            env=_own_data_dir_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
        )

    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"CommandError: cannot start the simulated world: port {port} on 127.0.0.1 is already in use "
        "(choose another first port with --world-port, or --world-port 0 for free ones)"
    )


def _children(pid: int) -> set[int]:
    """The processes `pid` started that are still its children (granian's workers, for `newsdesk serve`)."""
    found: set[int] = set()
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(FileNotFoundError):  # a thread that just ended
            found.update(int(child) for child in children.read_text().split())
    return found


def _running(pid: int) -> bool:
    """Whether `pid` is a process that has not ended (a zombie waiting to be reaped has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_until(condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


# Every way `newsdesk serve` ends: stopped (systemd's SIGTERM, Ctrl-C's SIGINT), killed outright (SIGKILL: a test's
# teardown, the OOM killer), also once a reload (SIGHUP) has replaced its workers by new ones. (reload?, signal)
STOPS = {
    "SIGTERM": (False, signal.SIGTERM),
    "SIGINT": (False, signal.SIGINT),
    "SIGKILL": (False, signal.SIGKILL),
    "SIGKILL after a SIGHUP reload": (True, signal.SIGKILL),
}


@pytest.fixture(scope="module")
def serve_data_dir(tmp_path_factory) -> Path:
    """One data dir for the servers started one after another here (collectstatic copies the files only once); never
    migrated: these servers are about their processes, so they start with `--allow-unmigrated`."""
    return tmp_path_factory.mktemp("serve-data")


@pytest.mark.parametrize("stop", STOPS)
def test_serve_leaves_no_worker_process_behind_however_it_is_stopped(tmp_path, serve_data_dir, stop):
    reload, last = STOPS[stop]
    log = tmp_path / "serve.log"
    server, _ = _serve(_own_data_dir_env(serve_data_dir), log, "--workers", "2", "--allow-unmigrated")
    seen: set[int] = set()
    try:
        assert _wait_until(lambda: len(_children(server.pid)) == 2, SERVER_START_TIMEOUT_S), log.read_text()
        first = _children(server.pid)
        seen |= first
        if reload:  # granian starts new workers one by one and stops the old ones
            server.send_signal(signal.SIGHUP)
            assert _wait_until(
                lambda: len(_children(server.pid) - first) == 2 and not any(map(_running, first)),
                SERVER_START_TIMEOUT_S,
            ), log.read_text()
            seen |= _children(server.pid)
        server.send_signal(last)
        server.wait(timeout=60)
        _wait_until(lambda: not any(map(_running, seen)), 30)
        left = sorted(pid for pid in seen if _running(pid))
    finally:
        for pid in seen | {server.pid}:  # whatever the outcome, this test leaves nothing running either
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        server.wait(timeout=10)

    assert len(seen) == (4 if reload else 2)
    assert left == [], f"{len(left)} worker processes of newsdesk serve still running after {stop}"


def _group_members(group: int) -> set[int]:
    """The processes of process group `group` that have not ended."""
    members = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a process that just ended
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group and fields[0] != "Z":  # state, ppid, pgrp
                members.add(int(stat.parent.name))
    return members


def test_ctrl_c_stops_serve_and_its_workers_within_seconds(tmp_path, serve_data_dir):
    """A terminal's Ctrl-C sends SIGINT to the whole foreground process group: serve and every granian worker, and
    serve then sends each worker SIGTERM. A worker that got both close together sometimes missed its shutdown until
    granian killed it after workers_kill_timeout (20 s): with three workers, 3 runs of 3 before the fix."""
    log = tmp_path / "serve.log"
    server, _ = _serve(_own_data_dir_env(serve_data_dir), log, "--workers", "3", "--allow-unmigrated", own_group=True)
    members: set[int] = set()
    try:
        assert _wait_until(lambda: len(_children(server.pid)) == 3, SERVER_START_TIMEOUT_S), log.read_text()
        members = _group_members(server.pid)
        returncode, took = _ctrl_c(server)
        left = _group_members(server.pid)
    finally:  # whatever the outcome, this test leaves nothing running
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)

    assert len(members) == 4, members  # serve and its three workers
    assert returncode == 0, log.read_text()
    assert took < CTRL_C_STOP_S, f"Ctrl-C took {took:.1f}s to stop newsdesk serve:\n{log.read_text()}"
    assert left == set(), f"processes of the group still running after Ctrl-C: {sorted(left)}"
