"""Members and articles for the community tests; the compose-time check is off unless a test turns it on."""

from itertools import count

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsdesk.community.models import Member
from tests.factories import make_article, make_publisher

PASSWORD = "a-long-enough-password-7"
_numbers = count(1)


def make_member(*, trusted: bool = False, verified: bool = True, staff: bool = False, name: str = "", **user_fields):
    n = next(_numbers)
    user = get_user_model().objects.create_user(
        username=user_fields.pop("username", f"reader{n}"),
        email=user_fields.pop("email", f"reader{n}@example.org"),
        password=PASSWORD,
        is_staff=staff,
        is_superuser=staff,
        **user_fields,
    )
    Member.objects.create(
        user=user,
        display_name=name or f"Reader {n}",
        is_trusted=trusted,
        email_verified_at=timezone.now() if verified else None,
    )
    return user


@pytest.fixture(autouse=True)
def _no_compose_wait(settings):
    settings.COMMUNITY_MIN_COMPOSE_SECONDS = 0


@pytest.fixture
def article(db):
    return make_article(make_publisher(name="Harbour Times"), title="Harbour reopens", image_url="")


@pytest.fixture
def reader(db):
    return make_member()


@pytest.fixture
def trusted_reader(db):
    return make_member(trusted=True)


@pytest.fixture
def moderator(db):
    return make_member(staff=True, trusted=True, name="Mod")
