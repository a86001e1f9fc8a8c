"""Issue 8, defect 4: the admin login is throttled per client IP and per username (django-axes, in the database)."""

import logging
import subprocess
import textwrap
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.utils import timezone

from newsdesk.common.logging import KeyValueFormatter
from tests.postgres.subprocess_db import REPO, child_env, python_argv

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "the-right-password-42"
ATTACKER_IP = "203.0.113.7"
COOL_OFF_S = 15 * 60

pytestmark = pytest.mark.postgres


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)


def attempt(username: str, password: str, *, ip: str = ATTACKER_IP, **headers) -> tuple[Client, object]:
    client = Client(REMOTE_ADDR=ip, **headers)
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})
    return client, response


def fail_five_times() -> None:
    for n in range(5):
        attempt("admin", f"guess-{n}")


def is_logged_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def age_all_attempts(minutes: int) -> None:
    """Move every recorded failure into the past, as if that much time had gone by."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


def test_thirty_wrong_passwords_get_429_with_retry_after_from_the_fifth_on(admin_user):
    responses = [attempt("admin", f"guess-{n}")[1] for n in range(30)]

    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert b"Please enter the correct username and password" in responses[3].content
    assert [r.status_code for r in responses[4:]] == [429] * 26
    for response in responses[4:]:
        assert 0 < int(response["Retry-After"]) <= COOL_OFF_S
    assert b"too many failed logins" in responses[-1].content


def test_the_right_password_does_not_log_in_while_locked_out(admin_user):
    fail_five_times()

    client, response = attempt("admin", PASSWORD)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > COOL_OFF_S - 60
    assert not is_logged_in(client)


def test_retry_after_counts_down_to_the_end_of_the_lock(admin_user):
    fail_five_times()
    age_all_attempts(10)

    _, response = attempt("admin", PASSWORD)

    assert response.status_code == 429
    # 5 of the 15 minutes are left; the margin only absorbs the seconds this test itself takes.
    assert 5 * 60 - 60 < int(response["Retry-After"]) <= 5 * 60


def test_the_right_password_logs_in_once_the_window_has_passed(admin_user):
    fail_five_times()
    age_all_attempts(16)

    client, response = attempt("admin", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_another_ip_and_another_username_are_unaffected(admin_user):
    get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)
    fail_five_times()

    client, response = attempt("editor", PASSWORD, ip="198.51.100.20")

    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_locked_username_is_locked_from_every_ip(admin_user):
    for n in range(5):
        attempt("admin", f"guess-{n}", ip=f"198.51.100.{n + 1}")

    client, response = attempt("admin", PASSWORD, ip="192.0.2.200")

    assert response.status_code == 429
    assert not is_logged_in(client)


def test_a_locked_ip_is_refused_for_every_username(admin_user):
    get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)
    for n in range(5):
        attempt(f"nobody-{n}", "guess")

    client, response = attempt("editor", PASSWORD)

    assert response.status_code == 429
    assert not is_logged_in(client)


def test_a_successful_login_clears_the_earlier_failures(admin_user):
    for n in range(4):
        attempt("admin", f"guess-{n}")
    attempt("admin", PASSWORD)

    statuses = [attempt("admin", f"again-{n}")[1].status_code for n in range(4)]
    client, response = attempt("admin", PASSWORD)

    assert statuses == [200] * 4
    assert response.status_code == 302
    assert is_logged_in(client)


def test_each_failure_is_logged_with_username_and_ip_but_not_the_password(admin_user, caplog):
    with caplog.at_level(logging.WARNING, logger="newsdesk.login"):
        for n in range(5):
            attempt("admin", f"secret-guess-{n}")

    failures = [r for r in caplog.records if r.getMessage() == "login failed"]
    lockouts = [r for r in caplog.records if r.getMessage() == "login locked out"]
    assert len(failures) == 5
    assert len(lockouts) == 1
    assert {(r.username, r.client_ip, r.path) for r in failures} == {("admin", ATTACKER_IP, "/admin/login/")}
    lines = "\n".join(KeyValueFormatter().format(r) for r in caplog.records)
    assert "username='admin'" in lines
    assert "secret-guess" not in lines


def test_a_forwarded_for_header_is_ignored_unless_configured(admin_user):
    for n in range(5):
        attempt(f"nobody-{n}", "guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")

    _, response = attempt("someone", "guess", HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER_IP}


@override_settings(NEWSDESK_CLIENT_IP_HEADER="X-Forwarded-For")
def test_behind_a_trusted_proxy_the_last_forwarded_address_is_the_client(admin_user):
    proxy = "10.0.0.5"
    for n in range(5):
        # The client may prepend anything; the proxy appends the address it saw, which is what counts.
        attempt(f"nobody-{n}", "guess", ip=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ATTACKER_IP}")

    _, locked = attempt("admin", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=ATTACKER_IP)
    client, other = attempt("admin", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.77")

    assert locked.status_code == 429
    assert other.status_code == 302
    assert is_logged_in(client)


CHILD_FAILURES = textwrap.dedent(
    """
    import django
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    for n in range(2):
        response = Client(REMOTE_ADDR="203.0.113.7").post("/admin/login/", {"username": "admin", "password": "x"})
        print(response.status_code)
    """
)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_failures_in_another_process_count_against_the_same_client():
    get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)
    for n in range(3):
        attempt("admin", f"guess-{n}")

    child = subprocess.run(
        python_argv("-c", CHILD_FAILURES), env=child_env(), cwd=REPO, capture_output=True, text=True, timeout=120
    )
    client, response = attempt("admin", PASSWORD)

    assert child.returncode == 0, child.stderr
    assert child.stdout.split() == ["200", "429"]
    assert response.status_code == 429
    assert not is_logged_in(client)
