import threading

import pytest

from newsdesk.reader.fetcher.politeness import HostGate


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_requests_to_two_ports_of_one_host_are_spaced_apart_per_origin():
    clock = FakeClock()
    gate = HostGate(per_host=1, clock=clock, sleep=clock.sleep)
    for url in ("http://127.0.0.1:8101/a", "http://127.0.0.1:8102/a", "http://127.0.0.1:8101/b"):
        with gate.slot(url, crawl_delay_s=5):
            pass
    assert clock.slept == [5.0]  # only the second request to :8101 waited


def test_crawl_delay_spaces_requests_to_one_host_but_not_to_others():
    clock = FakeClock()
    gate = HostGate(per_host=1, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        with gate.slot("http://a.example/x", crawl_delay_s=5):
            pass
    with gate.slot("http://b.example/x", crawl_delay_s=5):
        pass
    assert clock.slept == [5.0, 5.0]


def test_crawl_delay_is_capped():
    clock = FakeClock()
    gate = HostGate(per_host=1, clock=clock, sleep=clock.sleep)
    for _ in range(2):
        with gate.slot("http://a.example/x", crawl_delay_s=10_000):
            pass
    assert clock.slept == [60.0]


@pytest.mark.parametrize(
    ("blocked", "same_origin", "other_origin"),
    [
        ("http://a.example/feed", "http://a.example/other", "http://b.example/"),
        ("https://Example.com:443/feed", "https://example.com/other", "http://example.com/other"),
        ("http://127.0.0.1:8101/feed", "http://127.0.0.1:8101/other", "http://127.0.0.1:8102/feed"),
    ],
)
def test_retry_after_blocks_the_origin_until_it_passes(blocked, same_origin, other_origin):
    clock = FakeClock()
    gate = HostGate(clock=clock, sleep=clock.sleep)
    gate.block(blocked, 30)
    assert gate.blocked_for(same_origin) == 30
    assert gate.blocked_for(other_origin) == 0
    clock.now += 31
    assert gate.blocked_for(same_origin) == 0


def test_at_most_per_host_requests_run_at_once():
    gate = HostGate(per_host=2)
    running, peak, lock = [0], [0], threading.Lock()
    release = threading.Event()

    def request():
        with gate.slot("http://a.example/x"):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            release.wait(0.2)
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=request) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 2


def test_per_host_must_be_positive():
    with pytest.raises(ValueError, match="per_host"):
        HostGate(per_host=0)
