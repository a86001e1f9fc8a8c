"""deploy/nginx/newsdesk.conf passes `nginx -t` and serves the site end to end: Debian's nginx on a loopback port
in front of `newsdesk serve`, micro-caching anonymous pages, bypassing signed-in ones, serving static files and
lead-image renditions itself and refusing oversized bodies."""

import io
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from PIL import Image

from newsdesk_bench.stack import (
    REPO,
    free_port,
    main_config,
    newsdesk_env,
    nginx_check,
    nginx_start,
    serve_start,
    site_config,
    stop,
    wait_http,
)

pytestmark = pytest.mark.slow
STATIC = REPO / "newsdesk" / "site" / "static"


def _config(scratch: Path, *, listen: int, upstream: str, static_dir: Path = STATIC) -> Path:
    (scratch / "proxy-cache").mkdir(exist_ok=True)
    conf = scratch / "nginx.conf"
    servers = site_config(listen=listen, upstream=upstream, scratch=scratch, static_dir=static_dir)
    conf.write_text(main_config(scratch=scratch, servers=servers), encoding="utf-8")
    return conf


def test_the_site_config_passes_nginx_t(tmp_path):
    checked = nginx_check(_config(tmp_path, listen=free_port(), upstream="127.0.0.1:8000"))

    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


@pytest.fixture(scope="module")
def stack_data(tmp_path_factory) -> Path:
    """The data dir of the stack's app (its images/ is where nginx reads lead-image renditions)."""
    return tmp_path_factory.mktemp("stack") / "data"


@pytest.fixture(scope="module")
def stack(stack_data):
    data = stack_data
    scratch = data.parent
    for command in (["init"], ["migrate", "--noinput"]):
        subprocess.run(
            [sys.executable, "-m", "newsdesk", *command],
            env=newsdesk_env(data),
            cwd=REPO,
            check=True,
            capture_output=True,
        )
    app_port, listen = free_port(), free_port()
    app = serve_start(data, app_port, workers=2, NEWSDESK_MAX_REQUEST_BYTES="4096")
    nginx = None
    try:
        wait_http(f"http://127.0.0.1:{app_port}/", app)
        # `newsdesk serve` collected the hashed static files into the data dir: nginx serves them from there.
        nginx = nginx_start(
            _config(scratch, listen=listen, upstream=f"127.0.0.1:{app_port}", static_dir=data / "static")
        )
        wait_http(f"http://127.0.0.1:{listen}/robots.txt", nginx)
        yield f"http://127.0.0.1:{listen}"
    finally:
        stop(nginx)
        stop(app)


def test_the_home_page_comes_through_nginx_and_then_from_its_micro_cache(stack):
    with httpx.Client(base_url=stack) as client:
        first = client.get("/")
        second = client.get("/")

    assert first.status_code == second.status_code == 200
    assert "newsdesk" in first.text
    assert first.headers["X-Cache-Status"] in ("MISS", "EXPIRED")
    assert second.headers["X-Cache-Status"] == "HIT"
    assert second.headers["ETag"] == first.headers["ETag"]
    assert "s-maxage=" in second.headers["Cache-Control"]


def test_a_session_cookie_bypasses_the_micro_cache(stack):
    with httpx.Client(base_url=stack) as client:
        client.get("/")
        response = client.get("/", headers={"Cookie": "sessionid=whatever"})

    assert response.status_code == 200
    assert response.headers["X-Cache-Status"] == "BYPASS"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_pages_link_hashed_static_files_that_nginx_serves_itself_for_a_year(stack):
    css = re.search(r'href="(/static/site/site\.[0-9a-f]{12}\.css)"', httpx.get(stack + "/").text)
    assert css is not None
    response = httpx.get(stack + css.group(1))

    assert response.status_code == 200
    assert response.text == (STATIC / "site" / "site.css").read_text(encoding="utf-8")
    assert "immutable" in response.headers["Cache-Control"]
    assert "X-Cache-Status" not in response.headers


def test_an_oversized_body_is_refused_before_the_app(stack):
    # nginx refuses over client_max_body_size (10m); the app's own limit (4096 here) refuses what passes.
    big = httpx.post(stack + "/search/", content=b"x" * (11 * 1024 * 1024))
    small_but_over_the_app_limit = httpx.post(stack + "/search/", content=b"x" * 5000)

    assert big.status_code == 413
    assert small_but_over_the_app_limit.status_code == 413


def test_nginx_serves_lead_image_renditions_from_the_images_dir_for_a_year(stack, stack_data):
    webp = io.BytesIO()
    Image.new("RGB", (48, 27), "navy").save(webp, "WEBP")
    name = "0123456789abcdef0123456789abcdef-card.webp"
    (stack_data / "images").mkdir(exist_ok=True)
    stored = stack_data / "images" / name
    stored.write_bytes(webp.getvalue())

    served = httpx.get(f"{stack}/images/{name}")
    stored.unlink()  # as a takedown deletes a rendition
    removed = httpx.get(f"{stack}/images/{name}")
    not_a_rendition = httpx.get(f"{stack}/images/..%2Fsecret_key")

    assert served.status_code == 200
    assert served.content == webp.getvalue()
    assert served.headers["Content-Type"] == "image/webp"
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Cache-Status" not in served.headers  # from disk, not through the app
    assert removed.status_code == 404
    assert not_a_rendition.status_code == 404
    assert "X-Cache-Status" in not_a_rendition.headers  # any other name is the app's to refuse
