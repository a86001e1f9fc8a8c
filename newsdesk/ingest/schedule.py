"""When to look at a feed again: adapted to how often it publishes, backed off when it fails."""

import random
from datetime import datetime, timedelta

MIN_INTERVAL_S = 5 * 60
MAX_INTERVAL_S = 24 * 60 * 60
MAX_BACKOFF_S = 24 * 60 * 60
BACKOFF_BASE_S = 60
PAUSE_AFTER_ERRORS = 10
WEEK_S = 7 * 24 * 60 * 60


def interval_for_entry_rate(entries_last_week: int) -> int:
    """Like Miniflux's entry-frequency scheduler: a week divided by the week's entries, within bounds."""
    if entries_last_week <= 0:
        return MAX_INTERVAL_S
    return max(MIN_INTERVAL_S, min(MAX_INTERVAL_S, WEEK_S // entries_last_week))


def next_check_after_success(*, now: datetime, entries_last_week: int, retry_after_s: float | None = None) -> datetime:
    seconds = interval_for_entry_rate(entries_last_week)
    if retry_after_s:
        seconds = max(seconds, int(retry_after_s))
    return now + timedelta(seconds=seconds)


def backoff_seconds(consecutive_errors: int, *, rng: random.Random | None = None) -> int:
    """Exponential backoff with ±20 % jitter, so failing feeds of one host do not retry in lockstep."""
    rng = rng or random.Random()
    raw = min(MAX_BACKOFF_S, BACKOFF_BASE_S * 2 ** max(0, consecutive_errors - 1))
    return int(raw * rng.uniform(0.8, 1.2))


def next_check_after_error(
    *, now: datetime, consecutive_errors: int, retry_after_s: float | None = None, rng: random.Random | None = None
) -> datetime:
    seconds = backoff_seconds(consecutive_errors, rng=rng)
    if retry_after_s:
        seconds = max(seconds, int(min(retry_after_s, MAX_BACKOFF_S)))
    return now + timedelta(seconds=seconds)
