"""Pages rendered from scratch, to compare with what the fragment caches serve."""


def fresh(client, settings, url: str) -> bytes:
    """`url` rendered with no cached fragment."""
    settings.FRAGMENT_CACHE_ENABLED = False
    try:
        return client.get(url).content
    finally:
        settings.FRAGMENT_CACHE_ENABLED = True
