"""Every id a form field names in aria-describedby is on the page, so a screen reader reads a field's help (the
password rules) and, after a refused post, its errors with it. They named ids no element had."""

import pytest
from lxml import html as lxml_html

pytestmark = pytest.mark.django_db

FORMS = ["/accounts/signup/", "/rights/takedown", "/accounts/login/", "/accounts/password-reset/"]


def described_by(content: bytes) -> list[tuple[str, str, str]]:
    """(field name, id it names, text of that element or "missing") for every aria-describedby of the page."""
    page = lxml_html.fromstring(content)
    found = []
    for field in page.xpath("//*[@aria-describedby]"):
        for name in field.get("aria-describedby").split():
            target = page.get_element_by_id(name, None)
            found.append((field.get("name"), name, "missing" if target is None else target.text_content().strip()))
    return found


@pytest.mark.parametrize("path", FORMS)
def test_a_forms_fields_are_described_by_elements_on_the_page(client, path):
    blank = client.get(path)
    assert blank.status_code == 200
    refused = client.post(path, {})
    assert refused.status_code in (200, 400)
    for response in (blank, refused):
        found = described_by(response.content)
        assert [(field, name) for field, name, text in found if text in ("missing", "")] == []
    if path == "/accounts/signup/":
        assert ("password1", "id_password1_helptext") in [
            (field, name) for field, name, _ in described_by(blank.content)
        ]
        errors = [text for field, name, text in described_by(refused.content) if name == "id_username_error"]
        assert errors == ["This field is required."]


def test_the_password_rules_are_a_list_inside_their_help_not_after_an_empty_paragraph(client):
    page = lxml_html.fromstring(client.get("/accounts/signup/").content)
    help_text = page.get_element_by_id("id_password1_helptext")
    assert help_text.xpath(".//li")
    assert not page.xpath("//p[@class='help'][not(normalize-space())]")
