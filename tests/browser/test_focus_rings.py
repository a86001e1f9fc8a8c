"""Every Tab stop shows the site's 3 px focus ring: a date input's calendar button (a Tab stop inside the input)
showed Chromium's thin default ring instead."""

import io

import pytest
from PIL import Image

pytestmark = pytest.mark.browser

FOCUS_LIGHT = (0xB3, 0x59, 0x00)  # --focus in site.css (light scheme)
# Focus is inside the input but not on it: the calendar button has it.
ON_THE_CALENDAR_BUTTON = "el => el.matches(':focus-within') && !el.matches(':focus')"


def _ring_pixels(png: bytes) -> int:
    data = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = (data[i : i + 3] for i in range(0, len(data), 3))
    return sum(1 for pixel in pixels if all(abs(c - want) <= 24 for c, want in zip(pixel, FOCUS_LIGHT, strict=True)))


@pytest.mark.parametrize("field", ["search-since", "search-until"])
def test_the_calendar_button_of_a_date_filter_has_the_sites_focus_ring(live_server, browser, field):
    page = browser.new_page(color_scheme="light")
    page.goto(live_server.url + "/search/")
    date_input = page.locator(f"#{field}")
    date_input.focus()
    for _ in range(5):  # past the month, day and year fields
        page.keyboard.press("Tab")
        if date_input.evaluate(ON_THE_CALENDAR_BUTTON):
            break
    on_button = date_input.evaluate(ON_THE_CALENDAR_BUTTON)
    box = date_input.bounding_box()
    # The button sits at the input's right end: the input's own ring (when a field has focus) is not in this clip.
    button_area = {"x": box["x"] + box["width"] - 40, "y": box["y"] + 2, "width": 40, "height": box["height"] - 4}
    pixels = _ring_pixels(page.screenshot(clip=button_area))
    page.close()

    assert on_button
    assert pixels > 60  # a 3 px ring round a ~20 px button; Chromium's thin dark ring has none of our colour
