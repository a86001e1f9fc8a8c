"""A comment holding a direction override or another hidden character is refused with the reason beside its field
(the display names' rule, line breaks allowed); one stored before that cannot turn its feed title around."""

import html

import pytest
from django.test import Client

from newsdesk.community import forms, services
from newsdesk.community.markup import comment_render
from newsdesk.community.models import Comment
from newsdesk.community.names import without_hidden_characters
from newsdesk.community.spam import form_started_token

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

REFUSED = html.escape(forms.BODY_HIDDEN_CHARACTERS)
ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
HEBREW_WITH_MARK = "\u05e9\u05dc\u05d5\u05dd 2026\u200f."
# Two Persian words a zero-width non-joiner keeps apart, as the script needs.
PERSIAN = "\u0645\u0647\u0633\u0627\u200c\u0631\u0636\u0627\u06cc\u06cc"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, article, body: str):
    data = {"body": body, "started": form_started_token(), "website": ""}
    return client.post(f"/comments/articles.article/{article.pk}/post/", data)


@pytest.mark.parametrize(
    "body",
    [
        "Great \u202ereporting",
        "Ships\u2066 out",
        "Look\u200b-alike",
        "bell\x07",
        "Left\u202a embedded",
        "tag\ufeff",
        "lone tag\U000e0067",
    ],
)
def test_a_comment_holding_a_hidden_character_is_refused_beside_its_field(article, trusted_reader, body):
    response = post(signed_in(trusted_reader), article, body)

    page = response.content.decode()
    assert response.status_code == 400
    assert f'<div class="field-errors" id="id_body_error"><p class="error">{REFUSED}</p></div>' in page
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "First line\r\nsecond line",
        "a\ttabbed list",
        "👩\u200d💻 coders agree",
        PERSIAN,
        "Zoë",
        ENGLAND + " win at home",  # a subdivision flag: the black flag, tag letters and a cancel tag
        HEBREW_WITH_MARK,  # a right-to-left mark: it turns nothing around, it places the full stop
    ],
)
def test_line_breaks_tabs_joiners_and_any_script_are_taken(article, trusted_reader, body):
    response = post(signed_in(trusted_reader), article, body)

    assert response.status_code == 302
    assert Comment.objects.get().body == body


def test_an_edit_adding_a_hidden_character_is_refused_and_the_comment_kept(article, trusted_reader):
    comment = services.comment_create(author=trusted_reader, target=article, body="Fine piece")

    response = signed_in(trusted_reader).post(f"/comments/{comment.pk}/edit/", {"body": "Fine \u202epiece"})

    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Fine piece"


def test_a_stored_comment_with_an_override_cannot_turn_its_feed_title_around(article, trusted_reader):
    # Stored before the form refused it: in the feed's plain-text title nothing bounds an unclosed U+202E.
    comment = services.comment_create(author=trusted_reader, target=article, body="Fine piece")
    stored = "Fine \u202epiece\nand\u200b more"
    Comment.objects.filter(pk=comment.pk).update(body=stored, body_html=comment_render(stored))
    name = trusted_reader.member.display_name

    feed = Client().get(f"/comments/articles.article/{article.pk}/feed.atom").content.decode()

    assert f"<title>{name}: Fine piece and more</title>" in feed
    assert "\u202e" not in feed.split("<summary")[0]  # the title and author (its HTML shows in a block of its own)


def test_a_flags_tag_sequence_is_kept_whole_and_a_stray_tag_left_out():
    # The feeds' plain-text titles leave hidden characters out, but a subdivision flag is writing, not a hidden one.
    assert without_hidden_characters(f"{ENGLAND} fan\u202e \U000e0067!") == f"{ENGLAND} fan !"
    assert without_hidden_characters("\u05e9\u200f.") == "\u05e9\u200f."
