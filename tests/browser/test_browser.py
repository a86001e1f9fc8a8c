"""A visitor in a real browser: Debian's chromium driven by Playwright."""

import pytest

from tests.factories import make_article, make_category, make_publisher

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_home_to_article_without_console_errors_and_with_csp(live_server, browser):
    publisher = make_publisher(name="The Northbridge Courier")
    category = make_category("World")
    article = make_article(
        publisher,
        category=category,
        title="Harbour bridge reopens after repairs",
        original_title="Harbour bridge reopens after repairs",
        wire_credit="AFP",
        body_html="<p>The bridge reopened on Monday.</p>",
        body_text="The bridge reopened on Monday.",
        image_url="",
    )
    page = browser.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))

    response = page.goto(live_server.url + "/")
    assert response.status == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.get_by_role("link", name=article.title).first.click()
    page.wait_for_url(f"**{article.get_absolute_url()}")

    attribution = page.locator(".attribution")
    assert attribution.is_visible()
    assert "Originally published as" in attribution.inner_text()
    assert "With AFP" in page.content()
    assert page.locator("a.original-link").first.get_attribute("href") == article.original_url
    # The stylesheet loaded (CSP allows our own origin): the page is styled, not raw.
    assert page.evaluate("document.styleSheets.length") >= 1
    assert console_errors == []
    page.close()


def test_search_from_the_header_finds_an_article_and_survives_hostile_syntax(live_server, browser):
    publisher = make_publisher(name="El Diario del Sur")
    article = make_article(publisher, title="Lighthouse keeper retires after forty years", image_url="")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(live_server.url + "/")
    page.fill("#site-search", "lighthouse keeper")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert "/search/?q=lighthouse" in page.url
    assert page.get_by_role("link", name=article.title).first.is_visible()

    page.fill("#site-search", 'NEAR( "unbalanced * -')
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert "NEAR" in page.url
    assert page.locator("#site-search").input_value() == 'NEAR( "unbalanced * -'
    assert "Server Error" not in page.content()
    assert errors == []
    page.close()


def test_a_publisher_link_and_an_old_source_link_both_reach_the_publisher_page(live_server, browser):
    publisher = make_publisher(name="Valley Ledger", slug="valley-ledger")
    article = make_article(publisher, title="Dam inspection finds no cracks", image_url="")
    page = browser.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    page.goto(live_server.url + article.get_absolute_url())
    page.locator("a.publisher").first.click()
    page.wait_for_url("**/publisher/valley-ledger/")
    followed = page.goto(live_server.url + "/source/valley-ledger/")

    assert followed.status == 200
    assert page.url == live_server.url + "/publisher/valley-ledger/"
    assert page.get_by_role("heading", name="Valley Ledger").is_visible()
    assert page.get_by_role("link", name=article.title).is_visible()
    assert console_errors == []
    page.close()


def test_our_copy_of_a_lead_image_loads_under_the_csp(live_server, browser):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from newsdesk.reader.images import image_process
    from tests.reader.test_images import encoded

    processed = image_process(encoded("JPEG", (1280, 720)))
    for rendition in processed.renditions:
        name = f"{processed.key}-{rendition.name}.webp"
        if not storages["images"].exists(name):
            storages["images"].save(name, ContentFile(rendition.data))
    article = make_article(make_publisher(), title="Tide tables change", image_key=processed.key)
    page = browser.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    response = page.goto(live_server.url + article.get_absolute_url())
    image = page.locator(".lead-image img")
    image.wait_for()
    page.wait_for_function("document.querySelector('.lead-image img').complete")

    assert "img-src 'self' data:;" in response.headers["content-security-policy"]
    assert image.get_attribute("alt") == ""  # beneath its headline; the caption credits it
    assert page.locator(".lead-image figcaption").inner_text().startswith("Image: ")
    assert page.evaluate("document.querySelector('.lead-image img').naturalWidth") == 1200
    assert console_errors == []
    page.close()
