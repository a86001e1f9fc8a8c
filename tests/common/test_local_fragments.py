"""This process's fragments (newsdesk.common.fragments.LocalFragments): by identity, bounded by characters, least
recently used out first; a list whose fragments it holds asks neither for a digest nor the shared cache."""

import pytest
from django.core.cache import cache

from newsdesk.common import fragments
from newsdesk.common.fragments import KEY_CHARS, LocalFragments


def _id(n: int) -> tuple[str, tuple]:
    return ("test", (n, "2026-12-05"))


ENTRY = 2 * KEY_CHARS + 10  # an identity of two tuples and a text of 10 characters


def test_the_least_recently_used_go_first_once_the_budget_is_spent():
    local = LocalFragments(budget=3 * ENTRY)
    local.set_many({_id(1): "a" * 10, _id(2): "b" * 10, _id(3): "c" * 10})
    assert local.get_many([_id(1)]) == {_id(1): "a" * 10}  # 1 used last: 2 is now the oldest
    local.set_many({_id(4): "d" * 10})
    assert local.get_many([_id(n) for n in range(1, 5)]) == {_id(1): "a" * 10, _id(3): "c" * 10, _id(4): "d" * 10}
    assert len(local) == 3


def test_storing_an_identity_again_replaces_it_and_its_size():
    local = LocalFragments(budget=2 * ENTRY)
    for text in ("x" * 10, "y" * 10, "z" * 10):
        local.set_many({_id(1): text})
    local.set_many({_id(2): "w" * 10})
    assert local.get_many([_id(1), _id(2)]) == {_id(1): "z" * 10, _id(2): "w" * 10}
    local.clear()
    assert len(local) == 0
    assert local.get_many([_id(1)]) == {}


def test_an_identity_holding_many_keys_counts_each_of_them():
    local = LocalFragments(budget=3 * ENTRY)
    local.set_many({_id(1): "a" * 10, _id(2): "b" * 10})
    page = ("page", ("digest", (_id(3)[1], _id(4)[1])))  # five tuples: more room than the two entries before it
    local.set_many({page: "c" * 20})
    assert local.get_many([_id(1), _id(2), page]) == {page: "c" * 20}


def test_a_fragment_larger_than_the_budget_is_not_kept():
    local = LocalFragments(budget=100)
    local.set_many({_id(1): "big" * 100})
    assert len(local) == 0


@pytest.fixture
def _fresh_local():
    fragments.LOCAL.clear()
    yield
    fragments.LOCAL.clear()


@pytest.mark.usefixtures("_fresh_local")
def test_fragments_held_here_need_no_digest_and_no_shared_cache(monkeypatch):
    rendered = []

    def render(items):
        rendered.extend(items)
        return [f"<li>{n}</li>" for n in items]

    first = fragments.fragments([1, 2, 3], key_of=_id, render=render)
    assert first == ["<li>1</li>", "<li>2</li>", "<li>3</li>"]
    assert cache.get(fragments.fragment_key(*_id(2))) == "<li>2</li>"  # stored for other processes too

    def refuse(*args, **kwargs):
        raise AssertionError("asked beyond this process")

    monkeypatch.setattr(fragments, "fragment_key", refuse)
    monkeypatch.setattr(cache, "get_many", refuse)
    assert fragments.fragments([3, 1, 2], key_of=_id, render=render) == ["<li>3</li>", "<li>1</li>", "<li>2</li>"]
    assert rendered == [1, 2, 3]
