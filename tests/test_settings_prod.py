"""Issue 8, defect 5: production settings, the secret key, and `check --deploy` under the documented configuration.

Settings are loaded in child processes, each with its own environment, as a deployment would load them.
"""

import json
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from newsdesk.common.database import NO_DATA_DIR
from newsdesk.common.secret_key import SECRET_KEY_MISSING, secret_key_create, secret_key_read

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
SETTINGS_FILES = sorted((ROOT / "config" / "settings").glob("*.py"))
HTTPS_SITE = {"NEWSDESK_SITE_URL": "https://news.example.org", "NEWSDESK_ALLOWED_HOSTS": "news.example.org"}
DUMP_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT",
         "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def documented_production_environment() -> dict[str, str]:
    """The ```sh block of README's "Production" section, placeholders filled with fresh random values."""
    section = README.split("## Production", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    pairs = (line.split("=", 1) for line in block.splitlines() if line.strip())
    return {name: secrets.token_urlsafe(50) if value.startswith("<") else value for name, value in pairs}


# Ceilings, not pauses: a settings check takes seconds; the demo ingests a whole world under coverage, which took
# over 120 s at load 20 on the 2-core machine (and the test's own pytest-timeout is raised to match).
COMMAND_TIMEOUT_S = 120
DEMO_TIMEOUT_S = 540


def run_newsdesk(
    args: list[str],
    *,
    data_dir: Path,
    settings_module: str = "config.settings.prod",
    timeout_s: float = COMMAND_TIMEOUT_S,
    **env: str,
):
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    child_env.update(DJANGO_SETTINGS_MODULE=settings_module, NEWSDESK_DATA_DIR=str(data_dir), **env)
    return subprocess.run(
        [sys.executable, *args], env=child_env, cwd=ROOT, capture_output=True, text=True, timeout=timeout_s, check=False
    )


def production_settings(tmp_path: Path, **env: str) -> dict:
    done = run_newsdesk(["-c", DUMP_SETTINGS], data_dir=tmp_path, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_deploy_reports_nothing_under_the_documented_production_configuration(tmp_path):
    environment = documented_production_environment()

    done = run_newsdesk(
        ["-m", "newsdesk", "check", "--deploy", "--fail-level", "WARNING"], data_dir=tmp_path, **environment
    )

    assert environment["NEWSDESK_SITE_URL"].startswith("https://")
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_check_deploy_names_what_an_https_site_without_the_proxy_settings_lacks(tmp_path):
    done = run_newsdesk(
        ["-m", "newsdesk", "check", "--deploy"],
        data_dir=tmp_path,
        NEWSDESK_SECRET_KEY=secrets.token_urlsafe(50),
        **HTTPS_SITE,
    )

    reported = set(re.findall(r"security\.W\d+", done.stderr + done.stdout))
    assert reported == {"security.W005", "security.W008", "security.W021"}  # subdomains, redirect, preload


def test_an_https_site_gets_secure_cookies_hsts_and_a_redirect_behind_a_trusted_proxy(tmp_path):
    values = production_settings(tmp_path, NEWSDESK_TRUST_X_FORWARDED_PROTO="1", **HTTPS_SITE)

    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://news.example.org"]
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False


def test_an_https_site_without_a_trusted_proxy_does_not_redirect_in_a_loop(tmp_path):
    values = production_settings(tmp_path, **HTTPS_SITE)

    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_a_loopback_http_site_keeps_plain_cookies_so_the_demo_can_log_in(tmp_path):
    values = production_settings(tmp_path, NEWSDESK_SITE_URL="http://127.0.0.1:8000")

    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["CSRF_TRUSTED_ORIGINS"] == ["http://127.0.0.1:8000"]


@pytest.mark.parametrize("settings_module", ["config.settings.prod", "config.settings.dev", "config.settings.test"])
def test_loading_settings_writes_nothing_into_a_fresh_data_dir(tmp_path, settings_module):
    data_dir = tmp_path / "fresh"

    done = run_newsdesk(["-c", DUMP_SETTINGS], data_dir=data_dir, settings_module=settings_module)

    assert done.returncode == 0, done.stderr
    assert not data_dir.exists()


def test_serve_without_a_secret_key_refuses_in_one_line(tmp_path):
    data_dir = tmp_path / "fresh"

    done = run_newsdesk(["-m", "newsdesk", "serve", "--port", "1"], data_dir=data_dir)

    expected = "CommandError: " + SECRET_KEY_MISSING.format(path=data_dir.resolve() / "secret_key")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [expected]
    assert not data_dir.exists()


def test_ingest_on_a_data_dir_that_was_never_initialised_says_what_to_run(tmp_path):
    data_dir = tmp_path / "fresh"

    done = run_newsdesk(["-m", "newsdesk", "ingest", "--once"], data_dir=data_dir)

    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["CommandError: " + NO_DATA_DIR.format(path=data_dir.resolve())]


def test_the_wsgi_application_refuses_to_load_without_a_secret_key(tmp_path):
    done = run_newsdesk(["-c", "import config.wsgi"], data_dir=tmp_path / "fresh")

    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("django.core.exceptions.ImproperlyConfigured: no secret key")


def test_init_creates_the_data_dir_and_a_private_key_once(tmp_path):
    data_dir = tmp_path / "fresh"
    with override_settings(DATA_DIR=data_dir):
        call_command("init", verbosity=0)
        first = (data_dir / "secret_key").read_text()
        call_command("init", verbosity=0)

    assert len(first) >= 50
    assert (data_dir / "secret_key").read_text() == first
    assert stat.S_IMODE((data_dir / "secret_key").stat().st_mode) == 0o600
    assert [p.name for p in data_dir.iterdir()] == ["secret_key"]


@pytest.mark.slow
@pytest.mark.timeout(DEMO_TIMEOUT_S + 2 * COMMAND_TIMEOUT_S)
def test_the_demo_on_a_fresh_data_dir_creates_its_key_and_the_site_then_loads(tmp_path):
    data_dir = tmp_path / "fresh"

    demo = run_newsdesk(
        ["-m", "newsdesk", "demo", "--no-serve", "--world-port", "0"], data_dir=data_dir, timeout_s=DEMO_TIMEOUT_S
    )
    site = run_newsdesk(["-c", "import config.wsgi"], data_dir=data_dir)

    assert demo.returncode == 0, demo.stderr
    assert "admin login: admin / " in demo.stdout
    assert stat.S_IMODE((data_dir / "secret_key").stat().st_mode) == 0o600
    assert site.returncode == 0, site.stderr


def test_settings_read_the_key_that_init_wrote(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSDESK_SECRET_KEY", raising=False)
    path, created = secret_key_create(data_dir=tmp_path)

    assert created
    assert secret_key_create(data_dir=tmp_path) == (path, False)
    assert secret_key_read(data_dir=tmp_path) == path.read_text()
    assert production_settings(tmp_path)  # and a child process loads prod settings with it
    done = run_newsdesk(["-c", "import config.wsgi"], data_dir=tmp_path)
    assert done.returncode == 0, done.stderr


def test_the_environment_key_wins_over_the_key_file(tmp_path):
    secret_key_create(data_dir=tmp_path)
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_SECRET_KEY": "from-the-environment"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.prod"
    script = "from django.conf import settings; print(settings.SECRET_KEY)"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-the-environment"
    assert secret_key_read(data_dir=tmp_path) not in ("", "from-the-environment")  # the file still holds its own


@pytest.mark.parametrize(
    "variable",
    sorted({name for path in SETTINGS_FILES for name in re.findall(r"NEWSDESK_[A-Z_]+[A-Z]", path.read_text())}),
)
def test_every_variable_of_every_settings_file_is_documented(variable):
    assert f"`{variable}`" in README
    assert variable in ENV_EXAMPLE
