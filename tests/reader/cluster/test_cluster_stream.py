"""The bench's stream (eval/cluster_stream.py, behind eval/cluster_eval.py `ours`) closes stories as the product does:
a story closes once the stream's time passes its last article's time plus the quiet period, and the refinement pass
(cluster.refine) runs then; at the end of the stream every story still open closes."""

from __future__ import annotations

from dataclasses import replace

from newsdesk.reader.cluster import ClusterOptions
from tests.reader.cluster.test_cluster_floor import load_eval_module
from tests.reader.cluster.test_refine import MYSORE, STRAY, SUKANYA

# Knobs under which the second Sukanya report opens a story of its own (the first one's story, of one report, is
# young and the bar is high), the stray then joins the first one's: at the lone report's close, it moves there. The
# refinement alone (the split and merge pass before it has its own tests: tests/reader/cluster/test_regroup.py).
OPTIONS = replace(ClusterOptions(), threshold=0.3, young_margin=0.3, entity_weight=0.25, regroup_at_close=False)
ARTICLES = {"m0": MYSORE[0], "m1": MYSORE[1], "m2": MYSORE[2], "s0": SUKANYA[0], "s1": SUKANYA[1], "stray": STRAY}


def row(key, article, time):
    return {"id": key, "title": article[0], "text": article[1], "lang": "en", "time": f"2026-12-{time}:00Z"}


def tick(key, time):
    """An unrelated article: the stream's time moves on."""
    return row(key, ("Exchange files for bankruptcy", "The bitcoin exchange filed for bankruptcy in Tokyo."), time)


def stream_of(rows, options=OPTIONS):
    stream = load_eval_module().Stream(options)
    for one in rows:
        stream.add(one)
    return stream


def test_a_story_is_refined_when_the_stream_passes_its_quiet_period():
    rows = [row(key, ARTICLES[key], f"05T{8 + hour:02d}:00") for hour, key in enumerate(ARTICLES)]
    stream = stream_of(rows)
    where = stream.clusterer.resolve
    lone = where(stream.story_of["s1"])
    assert lone != where(stream.story_of["s0"])
    assert where(stream.story_of["stray"]) == where(stream.story_of["s0"])

    # The lone report's story (last article 12:00) is open until 12 hours later: nothing moves before that...
    stream.add(tick("t0", "05T23:30"))
    assert where(stream.story_of["s1"]) == lone
    assert lone in stream.members

    # ...and when the stream passes it, the story closes and its report moves to the story it belongs to.
    stream.add(tick("t1", "06T00:30"))
    assert where(stream.story_of["s1"]) == where(stream.story_of["s0"])
    assert lone not in stream.members
    assert stream.clusterer.states[lone].size == 0
    assert stream.moves == 1

    final = stream.finish()
    assert len({final[key] for key in ("s0", "s1", "stray")}) == 1
    assert len({final[key] for key in ("m0", "m1", "m2")}) == 1
    assert final["m0"] != final["s0"]


def test_a_stream_without_times_closes_every_story_at_its_end():
    rows = [{**row(key, ARTICLES[key], "05T08:00"), "time": None} for key in ARTICLES]
    stream = stream_of(rows)
    assert stream.members  # every story is still open until the end
    before = {key: stream.clusterer.resolve(story) for key, story in stream.story_of.items()}
    assert before["s1"] != before["s0"]

    final = stream.finish()

    assert not stream.members
    assert final["s1"] == final["s0"] == final["stray"]
    assert stream.moves == 1
    # Without the pass nothing moves.
    unrefined = stream_of(rows, replace(OPTIONS, refine_passes=0))
    assert unrefined.finish() == before
    assert unrefined.moves == 0


def test_a_late_row_joining_a_closed_story_reopens_it_with_every_member():
    # m0 and m1 open a story that closes when the stream passes 09:00 + 12 h; then m2, dated 10:00, arrives late
    # (a feed that lagged) and joins it, as the product lets an article join a closed story inside its window.
    rows = [row("m0", MYSORE[0], "05T08:00"), row("m1", MYSORE[1], "05T09:00"), tick("t0", "05T21:30")]
    stream = stream_of(rows)
    story = stream.clusterer.resolve(stream.story_of["m0"])
    assert story not in stream.members  # closed

    stream.add(row("m2", MYSORE[2], "05T10:00"))

    assert stream.clusterer.resolve(stream.story_of["m2"]) == story
    # Open again with all its members, not the late one alone: its next close refines them all (and recomputes its
    # window from all of their times, not from the late row's alone).
    assert [member.key for member in stream.members[story]] == ["m0", "m1", "m2"]
    stream.add(tick("t1", "05T22:30"))
    assert story not in stream.members
    state = stream.clusterer.states[story]
    assert (state.size, state.first_seen.hour, state.last_seen.hour) == (3, 8, 10)
    final = stream.finish()
    assert final["m0"] == final["m2"]
