"""The image step as ingestion runs it: the image proxy (newsdesk.media), then the stories that can show an image
now (newsdesk.stories): a story chose its image when it was counted, before any image was fetched."""

from newsdesk.media.services import ImageStepReport
from newsdesk.media.steps import IMAGES_PER_STEP, images_step
from newsdesk.reader.fetcher import FetchOptions
from newsdesk.stories.services import stories_images_follow


def images_and_stories_step(*, options: FetchOptions, limit: int | None = IMAGES_PER_STEP) -> ImageStepReport:
    """One pass of the image proxy (see media.steps.images_step), then the stories of the articles whose image
    it stored choose their image again if theirs is not one we hold (a lead's SVG is refused, a member's JPEG kept)."""
    report = images_step(options=options, limit=limit)
    stories_images_follow(article_ids=report.stored)
    return report
