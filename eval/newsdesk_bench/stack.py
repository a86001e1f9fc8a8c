"""Run the production stack of deploy/ on loopback: `newsdesk serve` processes and Debian's nginx with
deploy/nginx/newsdesk.conf (its addresses and paths pointed at a scratch directory). Used by `newsdesk bench serve`
and by tests/deploy (the nginx config passes `nginx -t` and serves the site)."""

import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SITE_CONF = REPO / "deploy" / "nginx" / "newsdesk.conf"
NGINX_MISSING = "nginx is not installed: `apt-get install nginx` (make bench does)"


# The kernel hands out ports from ip_local_port_range (32768-60999 by default) to every bind(0) and outgoing
# connection. A port found free there and bound by a child process a second later can be taken in between by any
# connection on the machine; below the range only another explicit choice like this one can take it.
EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
FIXED_PORTS = (20_000, 32_768)


def free_port() -> int:
    """A loopback TCP port free now, for a server another process binds soon: below the kernel's ephemeral range."""
    low, high = FIXED_PORTS
    if EPHEMERAL_RANGE.exists():
        high = min(high, int(EPHEMERAL_RANGE.read_text().split()[0]))
    rng = random.SystemRandom()
    for _ in range(200):
        port = rng.randrange(min(low, high - 1), high)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as probe:  # the low ports are all taken: let the kernel choose
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        raise RuntimeError(NGINX_MISSING)
    return found


def site_config(*, listen: int, upstream: str, scratch: Path, static_dir: Path, images_dir: Path | None = None) -> str:
    """deploy/nginx/newsdesk.conf with the app's address, a loopback listen port and scratch paths (the images dir
    defaults to the static dir's sibling `images`, where `newsdesk serve` keeps them in a data dir)."""
    text = SITE_CONF.read_text(encoding="utf-8")
    text = text.replace("server 127.0.0.1:8000;", f"server {upstream};")
    text = text.replace("    listen 80;\n    listen [::]:80;\n", f"    listen 127.0.0.1:{listen};\n")
    text = text.replace("/var/cache/nginx/newsdesk", str(scratch / "proxy-cache"))
    text = text.replace("/srv/newsdesk/static/", str(static_dir).rstrip("/") + "/")
    images = images_dir if images_dir is not None else static_dir.parent / "images"
    text = text.replace("/var/lib/newsdesk/images/", str(images).rstrip("/") + "/")
    return text


def main_config(*, scratch: Path, servers: str) -> str:
    """A whole nginx.conf (Debian's defaults that matter, no system paths) around `servers`."""
    return f"""
worker_processes auto;
pid {scratch}/nginx.pid;
error_log {scratch}/error.log warn;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    access_log off;
    client_body_temp_path {scratch}/body;
    proxy_temp_path {scratch}/proxy;
    fastcgi_temp_path {scratch}/fastcgi;
    uwsgi_temp_path {scratch}/uwsgi;
    scgi_temp_path {scratch}/scgi;
{servers}
}}
"""


def static_server(*, listen: int, root: Path) -> str:
    """A server answering every path with root/index.html (the anchor: nginx serving bytes from disk)."""
    return f"""
server {{
    listen 127.0.0.1:{listen};
    root {root};
    location / {{ try_files /index.html =404; }}
}}
"""


def nginx_check(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [nginx_binary(), "-t", "-c", str(config), "-p", str(config.parent)],
        capture_output=True,
        text=True,
        check=False,
    )


def nginx_start(config: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [nginx_binary(), "-c", str(config), "-p", str(config.parent), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def newsdesk_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env.update(NEWSDESK_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings.prod", **extra)
    return env


def serve_start(data_dir: Path, port: int, *, workers: int | None = None, **env: str) -> subprocess.Popen:
    argv = [sys.executable, "-m", "newsdesk", "serve", "--port", str(port)]
    if workers:
        argv += ["--workers", str(workers)]
    return subprocess.Popen(
        argv, env=newsdesk_env(data_dir, **env), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def wait_http(url: str, process: subprocess.Popen, timeout_s: float = 60) -> None:
    """Until `url` answers (any status), or fail with what the process said."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited: {process.stderr.read().decode()[-500:]}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout_s:.0f}s")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
