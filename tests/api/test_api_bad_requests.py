"""A request Django itself refuses (more query parameters or body than it reads, a host not allowed) is answered
under /api/ with the API's JSON error, as every other API error is; it was the site's HTML page."""

import pytest
from django.test import Client

from newsdesk.site.views.errors import API_BAD_REQUEST, API_TOO_LARGE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/articles", "/api/stories"])
def test_an_api_address_with_more_parameters_than_django_reads_is_a_json_413(settings, path):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50

    response = Client().get(path + "?" + "&".join(f"a{n}=1" for n in range(60)))

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": API_TOO_LARGE.format(fields=50, megabytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024)
    }


def test_an_api_request_for_a_host_not_allowed_is_a_json_400_telling_nothing_of_it():
    response = Client().get("/api/articles", HTTP_HOST="not-allowed.example")

    assert response.status_code == 400
    assert response.json() == {"error": API_BAD_REQUEST}
    assert b"not-allowed" not in response.content


def test_the_site_keeps_its_pages_for_the_same_requests(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50

    too_many = Client().get("/?" + "&".join(f"a{n}=1" for n in range(60)))
    bad_host = Client().get("/", HTTP_HOST="not-allowed.example")

    assert too_many.status_code == 413
    assert too_many["Content-Type"].startswith("text/html")
    assert bad_host.status_code == 400
    assert bad_host["Content-Type"].startswith("text/html")
