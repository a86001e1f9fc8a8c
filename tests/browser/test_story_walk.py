"""A reader's walk through a story in a real browser: home (one card for the story) → story page (its outlets, the
primary source first, the copy credited as "Also carried by") → article page → the link to the original."""

import io

import pytest
from django.core.management import call_command

from tests.stories.test_reprocess import wire_copies

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_home_to_story_to_article_to_the_original(live_server, browser):
    primary, copy = wire_copies()
    # The factory names stored images with no file behind them; a browser would log their 404s as errors.
    type(primary).objects.update(image_url="", image_key="")
    call_command("reprocess", "--no-progress", stdout=io.StringIO())
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(live_server.url + "/")
    cards = page.locator(".story-card")
    assert cards.count() == 1, "two wire copies of one text make one story card"
    assert "2 outlets" in cards.first.inner_text()
    assert cards.first.locator("a.publisher").inner_text() == primary.publisher.name, "whose headline the card shows"
    cards.first.locator(".item-title a").click()
    page.wait_for_url("**/stories/*/")

    assert page.locator("h1").first.inner_text().strip() == primary.title
    carried = page.locator(".carried-by")
    assert "Also carried by" in carried.first.inner_text()
    assert copy.publisher.name in carried.first.inner_text()
    page.locator(f"h3.item-title a[href='{primary.get_absolute_url()}']").first.click()
    page.wait_for_url(f"**{primary.get_absolute_url()}")

    original = page.locator("a.original-link").first
    assert original.get_attribute("href") == primary.original_url
    assert errors == []
    page.close()
