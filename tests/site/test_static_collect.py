"""`newsdesk serve` collects the static files one process at a time: two serves started at once on one data dir
raced in collectstatic (one stat()ed a file the other had just replaced) and the second died at start."""

import fcntl
import threading

from newsdesk.site.serving import static_collect


def test_a_second_collect_waits_for_the_first_and_then_collects(tmp_path, settings):
    root = tmp_path / "static"
    settings.STATIC_ROOT = str(root)
    done = threading.Event()
    with open(tmp_path / "static.lock", "a") as held:  # another serve collecting now
        fcntl.flock(held, fcntl.LOCK_EX)

        def collect() -> None:
            static_collect(root)
            done.set()

        collector = threading.Thread(target=collect)
        collector.start()
        assert not done.wait(timeout=1.0)  # it waits its turn
    collector.join(timeout=120)
    assert done.is_set()
    assert any(root.rglob("*.css"))  # the collect ran


def test_without_a_writable_place_for_the_lock_it_still_collects(tmp_path, settings, monkeypatch):
    root = tmp_path / "static"
    settings.STATIC_ROOT = str(root)
    real_open = open

    def refuse_the_lock(path, *args, **kwargs):
        if str(path).endswith("static.lock"):
            raise PermissionError(13, "read-only", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refuse_the_lock)
    static_collect(root)
    assert any(root.rglob("*.css"))
