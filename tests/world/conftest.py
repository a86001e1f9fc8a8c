"""Shared fixtures: one generated world and one running server for the whole session (both are read-only)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsdesk_world import World, WorldServer, generate_world, serve_world

from .loopback import ANCHOR, SLOW_DELAY_S


@pytest.fixture(scope="session")
def world() -> World:
    return generate_world(seed=7, anchor=ANCHOR, slow_delay_s=SLOW_DELAY_S)


@pytest.fixture(scope="session")
def server(world: World) -> Iterator[WorldServer]:
    running = serve_world(world)
    yield running
    running.stop()
