"""The image step every worker cycle runs after refreshing feeds: bring new articles' lead images under our roof."""

from newsdesk.media.services import ImageStepReport, images_fetch_due
from newsdesk.reader.fetcher import FetchOptions

IMAGES_PER_STEP = 100


def images_step(*, options: FetchOptions, limit: int | None = IMAGES_PER_STEP) -> ImageStepReport:
    """One pass of the image proxy (at most `limit` images, so a backlog never holds up the next feed cycle;
    None for every due image, as `ingest --once` and the demo want)."""
    return images_fetch_due(options=options, limit=limit)
