"""On a 360 px phone screen no page is wider than the screen: a German compound in a story card's headline
("Satelliteninternets") pushed the home page 3 px wide, so the whole page scrolled sideways."""

import pytest

from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_story

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LONG_TITLE = "Was bisher über Ausbau des Satelliteninternetsversorgungsnetzes in Südgail bekannt ist"


def test_home_story_and_article_pages_fit_a_360_px_screen(live_server, browser):
    publisher = make_publisher(name="Seeländer Tagespost", language="de")
    article = make_article(publisher, title=LONG_TITLE, language="de", category=make_category("Technik"))
    # The factory names stored images with no file behind them; a card keeps its image's room without one.
    type(article).objects.update(image_url="", image_key="")
    story = make_story([article])
    page = browser.new_page(viewport={"width": 360, "height": 740})
    widths = {}
    for path in ("/", story.get_absolute_url(), article.get_absolute_url()):
        page.goto(live_server.url + path)
        assert LONG_TITLE in page.content()
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    page.close()
    assert widths == dict.fromkeys(widths, 360)
