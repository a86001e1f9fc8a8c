"""Articles of a feed or an API list rendered once each and cached (newsdesk.common.fragments), loaded in two phases.

A list's articles are first read as keys (`article_keys`: the few columns a rendering depends on beyond what the
row's `updated_at` vouches for), without a model instance; only the articles no cache holds a rendering of are then
loaded whole, in one query. A list whose articles were all rendered before costs one light query and no rendering.
"""

from collections.abc import Callable, Sequence

from newsdesk.articles.models import Article
from newsdesk.articles.selectors import article_by_ids
from newsdesk.common.fragments import fragments


def article_fragments(
    keys: Sequence[tuple], *, kind: str, fixed: tuple, render: Callable[[Article], str]
) -> list[tuple[tuple, str]]:
    """(key, rendering) of each article keyed in `keys` (rows of `article_keys`), in order. `fixed` holds what else
    the renderings depend on (the code's digest, the site's URL); `render` draws one whole article. An article
    deleted since its key was read is left out."""

    def render_missing(missing: list[tuple]) -> list[str | None]:
        found = article_by_ids([key.id for key in missing])
        return [render(found[key.id]) if key.id in found else None for key in missing]

    rendered = fragments(keys, key_of=lambda key: (kind, (*fixed, *key)), render=render_missing)
    return [(key, text) for key, text in zip(keys, rendered, strict=True) if text is not None]
