"""The simulated global media: a seeded week of news from sixteen fictional publishers, served on loopback.

Public API (imported lazily so that loading the Django app does not pull in Faker):

    generate_world(seed=7, anchor=None, slow_delay_s=2.0) -> World
    serve_world(world, host="127.0.0.1", port=0, log_path=None) -> WorldServer
    running_world(seed=7, anchor=None, slow_delay_s=2.0, port=0, log_path=None)  # context manager
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .generator import generate_world
    from .model import Article, BrokenArticleLink, Event, ExtraFeed, Publisher, WireOriginal, World
    from .server import RequestRecord, WorldServer, WorldServerError, running_world, serve_world

_EXPORTS = {
    "generate_world": "generator",
    "World": "model",
    "Publisher": "model",
    "Article": "model",
    "Event": "model",
    "ExtraFeed": "model",
    "BrokenArticleLink": "model",
    "WireOriginal": "model",
    "serve_world": "server",
    "running_world": "server",
    "WorldServer": "server",
    "WorldServerError": "server",
    "RequestRecord": "server",
}

__all__ = [
    "Article",
    "BrokenArticleLink",
    "Event",
    "ExtraFeed",
    "Publisher",
    "RequestRecord",
    "WireOriginal",
    "World",
    "WorldServer",
    "WorldServerError",
    "generate_world",
    "running_world",
    "serve_world",
]


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
