"""`newsdesk bench serve`: requests per second of the demo site under wrk, next to nginx serving the same home page
bytes from disk (the anchor), through the production stack of deploy/ (nginx micro-cache → `newsdesk serve`), from
the embedded `newsdesk serve` alone (whole-response cache hits), and with the response cache off (every request
renders: the miss path). Then a mixed load held near 200 req/s through the stack while `newsdesk ingest` refreshes
the demo world's feeds, for its p99.

The mixed load (home, an article, a story, the API, the RSS feed) is held at 200 req/s by autocannon
(fixed_rate.py; wrk cannot hold a rate and wrk2 is not in Debian), for `--mixed-seconds` through the stack and
then against the embedded server, while a real `newsdesk worker` ingests: the world is served again with another
seed (same publishers and feeds, other articles), so the worker stores new articles and the cache sees soft changes
all along, as on a live site. The rate reached and the articles stored are reported next to each p99.
"""

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from newsdesk_bench.fixed_rate import fixed_rate_run
from newsdesk_bench.stack import (
    REPO,
    free_port,
    main_config,
    newsdesk_env,
    nginx_check,
    nginx_start,
    serve_start,
    site_config,
    static_server,
    stop,
    wait_http,
)

WRK_MISSING = "wrk is not installed: `apt-get install wrk` (make bench does)"
MIXED_RATE = 200
# The demo's world is seed 7; this one has the same publishers and feeds with other articles (new to the worker).
LIVE_WORLD_SEED = "8"
COUNT_ARTICLES = "from newsdesk.articles.models import Article; print(Article.objects.count())"
DUE_NOW = "from newsdesk.sources.models import Feed; Feed.objects.update(next_check_at=None)"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * UNITS[match.group(2)] if match else float("nan")


def wrk_run(url: str, *, seconds: int, connections: int = 50, script: Path | None = None) -> dict:
    """One wrk run: rps, p50/p99 in ms, errors (socket errors plus non-2xx/3xx answers)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError(WRK_MISSING)
    argv = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script is not None:
        argv += ["-s", str(script)]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, flags=re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return {
        "rps": round(rps, 1),
        "p50_ms": _ms(latency.get("50", "")),
        "p99_ms": _ms(latency.get("99", "")),
        "errors": errors,
    }


def _demo_database(data: Path, world_port: int) -> None:
    argv = [sys.executable, "-m", "newsdesk", "demo", "--no-serve", "--world-port", str(world_port)]
    done = subprocess.run(argv, env=newsdesk_env(data), cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"demo ingest failed: {done.stderr.strip().splitlines()[-1:]}")


def _shell(data: Path, code: str) -> str:
    """What `code` printed last, run in `newsdesk shell` (its banner comes first)."""
    argv = [sys.executable, "-m", "newsdesk", "shell", "-c", code]
    done = subprocess.run(argv, env=newsdesk_env(data), cwd=REPO, capture_output=True, text=True, check=True)
    return (done.stdout.strip().splitlines() or [""])[-1]


def _live_world(data: Path, port: int) -> subprocess.Popen:
    """The world with new articles on the demo's ports; retried while the demo's sockets linger (TIME_WAIT)."""
    argv = [sys.executable, "-m", "newsdesk", "world", "serve", "--port", str(port), "--seed", LIVE_WORLD_SEED]
    deadline = time.monotonic() + 120
    while True:
        world = subprocess.Popen(
            argv, env=newsdesk_env(data), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            wait_http(f"http://127.0.0.1:{port}/", world)
            return world
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            time.sleep(5)


def _mixed(base: str, paths: list[str], *, seconds: int, data: Path) -> dict:
    before = int(_shell(data, COUNT_ARTICLES))
    result = fixed_rate_run(base, paths, rate=MIXED_RATE, seconds=seconds)
    result["new_articles"] = int(_shell(data, COUNT_ARTICLES)) - before
    return result


def serve_bench(*, seconds: int = 10, mixed_seconds: int = 60, say: Callable[[str], None] = print) -> dict:
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-serve-") as tmp:
        scratch, data = Path(tmp), Path(tmp) / "data"
        world_port = free_port()
        say("building the demo database (newsdesk demo --no-serve) …")
        _demo_database(data, world_port)
        try:
            cached_port, miss_port, static_port, stack_port = (free_port() for _ in range(4))
            cached = serve_start(data, cached_port)
            miss = serve_start(data, miss_port, NEWSDESK_RESPONSE_CACHE="0")
            processes += [cached, miss]
            base, miss_base = f"http://127.0.0.1:{cached_port}", f"http://127.0.0.1:{miss_port}"
            wait_http(base + "/", cached)
            wait_http(miss_base + "/", miss)
            (scratch / "static").mkdir()
            (scratch / "proxy-cache").mkdir()
            (scratch / "static" / "index.html").write_bytes(urllib.request.urlopen(base + "/").read())
            servers = static_server(listen=static_port, root=scratch / "static") + site_config(
                listen=stack_port,
                upstream=f"127.0.0.1:{cached_port}",
                scratch=scratch,
                static_dir=data / "static",  # collected (hashed names) by newsdesk serve
            )
            conf = scratch / "nginx.conf"
            conf.write_text(main_config(scratch=scratch, servers=servers), encoding="utf-8")
            checked = nginx_check(conf)
            if checked.returncode != 0:
                raise RuntimeError(f"nginx -t failed: {checked.stderr.strip()}")
            nginx = nginx_start(conf)
            processes.append(nginx)
            stack = f"http://127.0.0.1:{stack_port}"
            wait_http(stack + "/", nginx)
            items = json.loads(urllib.request.urlopen(base + "/api/articles?limit=1").read())["items"]
            article = f"/article/{items[0]['id']}/"

            runs = {
                "nginx_static": f"http://127.0.0.1:{static_port}/",
                "stack_home_cached": stack + "/",
                "embedded_home_cached": base + "/",
                "home_miss": miss_base + "/",
                "article_miss": miss_base + article,
                "api_miss": miss_base + "/api/articles?limit=20",
                "feed_miss": miss_base + "/feeds/rss.xml",
            }
            figures: dict = {"errors": 0}
            for name, url in runs.items():
                say(f"wrk {seconds}s, 50 connections: {name} ({url})")
                result = wrk_run(url, seconds=seconds)
                figures[f"{name}_rps"] = result["rps"]
                figures[f"{name}_p50_ms"] = result["p50_ms"]
                figures["errors"] += result["errors"]

            say(f"mixed load at {MIXED_RATE} req/s for {mixed_seconds}s, stack then embedded, while a worker ingests")
            processes.append(_live_world(data, world_port))
            _shell(data, DUE_NOW)
            worker_argv = [sys.executable, "-m", "newsdesk", "worker", "--allow-loopback", "--idle", "1"]
            processes.append(
                subprocess.Popen(
                    worker_argv, env=newsdesk_env(data), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
            )
            story = json.loads(urllib.request.urlopen(base + "/api/stories?limit=1").read())["items"][0]["id"]
            paths = ["/", article, f"/stories/{story}/", "/api/articles?limit=20", "/feeds/rss.xml"]
            for prefix, target in (("", stack), ("embedded_", base)):
                mixed = _mixed(target, paths, seconds=mixed_seconds, data=data)
                figures.update(
                    {
                        f"{prefix}p99_ms_at_200rps": mixed["p99_ms"],
                        f"{prefix}mixed_rps": mixed["rps"],
                        f"{prefix}mixed_p50_ms": mixed["p50_ms"],
                        f"{prefix}mixed_errors": mixed["errors"],
                        f"{prefix}mixed_new_articles": mixed["new_articles"],
                    }
                )
                figures["errors"] += mixed["errors"]
            figures["stack_vs_nginx"] = round(figures["stack_home_cached_rps"] / figures["nginx_static_rps"], 3)
            figures["embedded_vs_nginx"] = round(figures["embedded_home_cached_rps"] / figures["nginx_static_rps"], 3)
            return figures
        finally:
            for process in reversed(processes):
                stop(process)
