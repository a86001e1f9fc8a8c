"""deploy/compose/compose.yaml, checked as far as a machine without a container engine can: every command its
containers run is one the installed `newsdesk` accepts, the app and the worker share one database and one cache,
and the nginx container's rewrite of deploy/nginx/newsdesk.conf points it at the app's container.

Not checked here: building the image and starting the containers (no Docker daemon or Compose plugin on the
machines this suite runs on)."""

import shlex
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "deploy" / "compose" / "compose.yaml"
NGINX_CONF = REPO / "deploy" / "nginx" / "newsdesk.conf"


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _newsdesk_commands(command: str | list[str]) -> list[list[str]]:
    """The `newsdesk …` invocations of a service's command (a list, or `sh -c "a && b && exec c"`)."""
    if isinstance(command, list):
        return [command]
    words = shlex.split(command)
    assert words[:2] == ["sh", "-c"], command
    steps = [shlex.split(step.strip()) for step in words[2].split("&&")]
    return [step[1:] if step[0] == "exec" else step for step in steps]


def test_the_stack_is_the_app_the_worker_postgresql_and_nginx():
    compose = _compose()
    assert set(compose["services"]) == {"db", "app", "worker", "nginx"}
    db = compose["services"]["db"]
    user, password, name = (db["environment"][key] for key in ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"))
    for service in ("app", "worker"):
        environment = compose["services"][service]["environment"]
        # One database and one shared cache for every process of both containers (invalidation reaches them all);
        # both wait for the database (the worker names it again: its own depends_on replaces the shared block's).
        assert environment["NEWSDESK_DATABASE_URL"] == f"postgresql://{user}:{password}@db:5432/{name}"
        assert environment["NEWSDESK_CACHE_URL"].startswith("db://")
        assert compose["services"][service]["depends_on"]["db"]["condition"] == "service_healthy"
    build = compose["services"]["app"]["build"]
    assert (COMPOSE.parent / build["context"] / build["dockerfile"]).resolve().is_file()
    assert "8080:80" in compose["services"]["nginx"]["ports"]


def test_every_newsdesk_command_the_containers_run_is_accepted_by_the_installed_newsdesk():
    services = _compose()["services"]
    invocations = [step for name in ("app", "worker") for step in _newsdesk_commands(services[name]["command"])]
    assert [step[:2] for step in invocations] == [
        ["newsdesk", "migrate"],
        ["newsdesk", "createcachetable"],
        ["newsdesk", "collectstatic"],
        ["newsdesk", "serve"],
        ["newsdesk", "worker"],
    ]
    newsdesk = str(Path(sys.executable).with_name("newsdesk"))
    for step in invocations:
        # --help parses the options given before it: an unknown option or command fails with status 2.
        done = subprocess.run([newsdesk, *step[1:], "--help"], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (step, done.stderr)


def test_the_nginx_container_points_the_site_config_at_the_app_container():
    nginx = _compose()["services"]["nginx"]
    assert "../nginx/newsdesk.conf:/etc/newsdesk/newsdesk.conf:ro" in nginx["volumes"]
    sed = shlex.split(shlex.split(nginx["command"])[2])[:2]
    assert sed[0] == "sed"
    rewritten = subprocess.run(sed, input=NGINX_CONF.read_text(encoding="utf-8"), capture_output=True, text=True)
    assert rewritten.returncode == 0, rewritten.stderr
    assert "127.0.0.1:8000" in NGINX_CONF.read_text(encoding="utf-8")
    assert "127.0.0.1:8000" not in rewritten.stdout
    assert "app:8000" in rewritten.stdout
