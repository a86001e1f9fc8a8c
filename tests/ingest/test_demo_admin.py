"""The demo's admin login on a data dir run again: the password it made up is stored beside the secret key (owner
only) and kept, printed again, so the admin's two-factor device and bookmarks stay good; a password set since (with
changepassword or the admin) is left alone and not printed; NEWSDESK_ADMIN_PASSWORD is set as given."""

import stat

import pytest
from django.contrib.auth import get_user_model

from newsdesk.ingest.demo import DEMO_PASSWORD_FILE, admin_ensure, admin_password_shown

pytestmark = pytest.mark.django_db


def signs_in(password: str) -> bool:
    return get_user_model().objects.get(username="admin").check_password(password)


def test_a_demo_run_again_keeps_and_prints_the_password_it_stored(tmp_path, settings):
    settings.NEWSDESK_ADMIN_PASSWORD = ""

    first = admin_ensure(data_dir=tmp_path)
    again = admin_ensure(data_dir=tmp_path)

    stored = tmp_path / DEMO_PASSWORD_FILE
    assert first.origin == "new"
    assert again.origin == "kept"
    assert again.password == first.password == stored.read_text().strip()
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert signs_in(first.password)
    assert admin_password_shown(again).startswith(f"{first.password} (kept from the last demo run")
    assert [path.name for path in tmp_path.iterdir()] == [DEMO_PASSWORD_FILE]  # no draft left behind


def test_a_password_set_since_is_left_alone_and_not_printed(tmp_path, settings):
    settings.NEWSDESK_ADMIN_PASSWORD = ""
    admin_ensure(data_dir=tmp_path)
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("the operator's own")
    admin.save()

    login = admin_ensure(data_dir=tmp_path)

    assert (login.origin, login.password) == ("unchanged", None)
    assert signs_in("the operator's own")
    assert "newsdesk changepassword admin" in admin_password_shown(login)


def test_an_admin_from_before_passwords_were_stored_keeps_theirs_and_one_without_a_password_gets_one(
    tmp_path, settings
):
    settings.NEWSDESK_ADMIN_PASSWORD = ""
    get_user_model().objects.create_superuser("admin", "admin@example.org", "from an older demo")

    kept = admin_ensure(data_dir=tmp_path)
    get_user_model().objects.filter(username="admin").update(password="!")  # unusable
    fresh = admin_ensure(data_dir=tmp_path)

    assert kept.origin == "unchanged"
    assert fresh.origin == "new"
    assert signs_in(fresh.password)


def test_the_configured_password_is_set_as_given_and_never_printed(tmp_path, settings):
    settings.NEWSDESK_ADMIN_PASSWORD = "from-the-environment"
    admin_ensure(data_dir=tmp_path)

    login = admin_ensure(data_dir=tmp_path)

    assert (login.origin, login.password) == ("environment", None)
    assert admin_password_shown(login) == "(from NEWSDESK_ADMIN_PASSWORD)"
    assert signs_in("from-the-environment")
    assert not (tmp_path / DEMO_PASSWORD_FILE).exists()
