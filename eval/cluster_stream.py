"""Our clusterer over a stream the way the product runs it (eval/cluster_eval.py `ours`): each article joins a story
or opens one (StoryClusterer.assign), and a story closes once the stream's time passes its last article's time plus
the quiet period; at its close the refinement pass (reader.cluster.refine) may move its full-text members to the
other stories open at their times, or merge a story of headlines alone whole into another. At the end of the stream
every story still open closes, by its last article's time (stories without times first), then by its first
article's position: a stream without times (ECB+) closes all of its stories there. With
ClusterOptions.regroup_at_close, a closing story is first split and its parts merged (reader.cluster.regroup); the
parts that stay stories close with it and are refined too. A late row that joins a closed story opens it again with
all of its members."""

from __future__ import annotations

import heapq
from datetime import datetime

from newsdesk.reader.cluster import ClusterOptions, StoryClusterer, clustering_features
from newsdesk.reader.cluster.embedding import Embedder
from newsdesk.reader.cluster.refine import Member, refine_story
from newsdesk.reader.cluster.regroup import regroup_story


def row_time(row: dict) -> datetime | None:
    """The row's time (ISO 8601), None without one."""
    value = row.get("time")
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) and value else None


class Stream:
    """Stories of a stream of rows ({"id", "title", "text", "lang", "time", "url"}), closed as the product closes
    them."""

    def __init__(
        self, options: ClusterOptions, embedder: Embedder | None = None, clusterer: StoryClusterer | None = None
    ) -> None:
        """`clusterer`: a fresh one to run (a subclass, e.g. learned_join.LearnedClusterer; default the product's)."""
        self.options, self.embedder = options, embedder
        self.clusterer = clusterer if clusterer is not None else StoryClusterer(options)
        self.members: dict[object, list[Member]] = {}  # an open story's members, in the order they joined
        # A closed story's members: a late row (dated inside its window, read after it closed) may still join it, as
        # in the product, which opens it again with all of them; its next close then refines them all.
        self.closed: dict[object, list[Member]] = {}
        self.story_of: dict[str, object] = {}  # row id -> its story (resolved when read)
        self.first: dict[object, int] = {}  # story -> its first article's position
        self.closing: list[tuple[datetime, int, object]] = []  # (last_seen + quiet period, first, story), lazily
        self.moves = 0
        self.regrouped = 0  # splits and merges at closes (ClusterOptions.regroup_at_close)

    def add(self, row: dict) -> None:
        at = row_time(row)
        if at is not None:
            self._close_before(at)
        title, text = row.get("title") or "", row.get("text") or ""
        # Embedded only where the score uses it (full text does not, by default: ClusterOptions.embedding_weight).
        share = self.options.embedding_weight if text.strip() else self.options.title_embedding_weight
        language = row.get("lang") or ""
        vector = self.embedder.vector(title, text, language) if self.embedder and share else None
        url = row.get("url") or ""
        features = clustering_features(self.options, title=title, text=text, url=url, embedded=vector is not None)
        position = len(self.story_of)
        assigned = self.clusterer.assign(
            title=title, text=text, language=language, at=at, vector=vector, url=url, features=features
        )
        key = assigned.story
        member = Member(row["id"], features, not text.strip(), language, at, vector)
        self.members.setdefault(key, self.closed.pop(key, [])).append(member)
        self.first.setdefault(key, position)
        for other in assigned.merged:
            self.members[key].extend(self.members.pop(other, None) or self.closed.pop(other, []))
            self.first[key] = min(self.first[key], self.first.pop(other, position))
        self.story_of[row["id"]] = key
        self._due(key)

    def finish(self) -> dict[str, object]:
        """Close every story still open; row id -> story."""
        states = self.clusterer.states

        def order(key: object) -> tuple:
            last = states[key].last_seen
            return (last is not None, last or datetime.min, self.first[key])

        for key in sorted(self.members, key=order):
            self._close(key)
        return {row: self.clusterer.resolve(key) for row, key in self.story_of.items()}

    def _due(self, key: object) -> None:
        last = self.clusterer.states[key].last_seen
        if last is not None:
            heapq.heappush(self.closing, (last + self.options.quiet_period, self.first[key], key))

    def _close_before(self, at: datetime) -> None:
        while self.closing and self.closing[0][0] < at:
            due, _, key = heapq.heappop(self.closing)
            state = self.clusterer.states.get(key)
            # Stale entries: the story was merged away, closed, or took a later article since.
            live = key in self.members and state is not None and state.last_seen is not None
            if live and state.last_seen + self.options.quiet_period == due:
                self._close(key)

    def _close(self, key: object) -> None:
        members = self.members.pop(key)
        if self.options.regroup_at_close:
            closing = self._regroup(key, members)
        else:
            self.closed[key], closing = members, [key]
        for story in closing:
            self._refine(story)

    def _members_of(self, story: object) -> list[Member]:
        found = self.members.get(story)
        return found if found is not None else self.closed.get(story, [])

    def _regroup(self, key: object, members: list[Member]) -> list[object]:
        """The split and merge pass (reader.cluster.regroup) at story `key`'s close; the stories closing now (`key`
        unless it was merged into another, and the parts split off it that were not), their members in `closed`."""
        done = regroup_story(self.clusterer, key, members, self._members_of)
        if not done.changed:
            self.closed[key] = members
            return [key]
        gone = {merge.source for merge in done.merges}
        for story in gone:
            self.members.pop(story, None)
            self.closed.pop(story, None)
        for story, now in done.members.items():
            for member in now:
                self.story_of[member.key] = story
            if story in self.members:  # an open story took a part in: it closes later, at its own time
                self.members[story] = list(now)
                self._due(story)
            else:
                self.closed[story] = list(now)
        self.regrouped += len(done.parts) + len(done.merges)
        return [story for story in (key, *(part.story for part in done.parts)) if story not in gone]

    def _refine(self, key: object) -> None:
        members = self.closed.pop(key)
        moves = refine_story(self.clusterer, key, members)
        moved = {move.member for move in moves}
        self.closed[key] = [member for member in members if member.key not in moved]
        by_key = {member.key: member for member in members}
        gained = {}
        for move in moves:
            self.story_of[move.member] = move.target
            self.moves += 1
            taken = by_key[move.member]
            if move.target in self.members:
                self.members[move.target].append(taken)
                gained[move.target] = True
            else:  # a story closed already keeps what it has (it is not refined twice), all of it remembered
                self.closed.setdefault(move.target, []).append(taken)
        for target in gained:  # once each, not once a member (a merge at a close moves a whole story)
            self._due(target)
