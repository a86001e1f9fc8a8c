from tests.sources.conftest import serve  # noqa: F401 - the loopback server fixture, shared
