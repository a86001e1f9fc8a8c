"""Writes of wire copies: an article's near-duplicate signature, its syndication group and the group's primary.

Band keys of the MinHash signature find the candidate copies; the primary choice itself (`choose_among`, the
tally that makes it cheap for one more copy) lives in `newsdesk.reader.dedup`. Callers hold the wire turn
(`newsdesk.stories.turns`); a story recount for changed repeat marks takes the story turn after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from newsdesk.articles.models import Article
from newsdesk.common.content_version import content_version_bump
from newsdesk.reader.dedup import CopyFacts, NearDupSignature, PrimaryTally, SignatureError, choose_among
from newsdesk.reader.urls import site_key
from newsdesk.stories.counts import stories_counts_refresh
from newsdesk.stories.models import ArticleSignature, SignatureBand, Story, StoryMembership, SyndicationGroup
from newsdesk.stories.turns import STORY_TURN, WIRE_TURN, turn_take

# Candidate copies judged per article: a wire text rarely has more outlets than this.
MAX_CANDIDATES = 200


def article_text(article: Article) -> str:
    """The text an article is judged by: its body, else its summary."""
    return article.body_text or article.summary or ""


def article_signature_store(*, article: Article) -> ArticleSignature:
    """Compute and store the article's signature and band keys, and put it in a syndication group with its
    near-duplicates (merging their groups), re-choosing the group's primary."""
    signature = NearDupSignature.of_text(f"{article.title}\n{article_text(article)}")
    # Not update_or_create: its two savepoints cost four statements per article; the wire turn the caller holds
    # already keeps another worker from storing this article's signature meanwhile.
    row = ArticleSignature.objects.filter(article=article).first()
    if row is None:
        row = ArticleSignature.objects.create(article=article, signature=signature.to_json())
    else:
        row.signature = signature.to_json()
        row.save(update_fields=["signature"])
    SignatureBand.objects.filter(article=article).delete()
    keys = signature.band_keys()
    SignatureBand.objects.bulk_create([SignatureBand(key=key, article=article) for key in keys])
    copies = _near_duplicates(article, signature, keys)
    if copies:
        _group_join(row, copies)
    return row


def _near_duplicates(article: Article, signature: NearDupSignature, keys: list[str]) -> list[ArticleSignature]:
    """The candidates that are near-duplicates of the article, but of a group only the first member found to be
    one: joining a group takes in all of it, so a group's other members need not be judged (a wire text carried by
    thousands of outlets fills the candidates with its own copies; one comparison, not hundreds, finds it)."""
    if not keys:
        return []
    # Read first, not a subquery of the next query: as one, PostgreSQL ran it for over five minutes in the demo
    # world's test (the plan went wrong); as two queries each takes milliseconds.
    candidate_ids = list(
        SignatureBand.objects.filter(key__in=keys)
        .exclude(article=article)
        .values_list("article_id", flat=True)
        .distinct()[:MAX_CANDIDATES]
    )
    group_of = dict(ArticleSignature.objects.filter(article_id__in=candidate_ids).values_list("pk", "group_id"))
    first_of_group: dict[int, int] = {}
    for pk in sorted(group_of):
        if group_of[pk] is not None:
            first_of_group.setdefault(group_of[pk], pk)
    firsts = [pk for pk in group_of if group_of[pk] is None or first_of_group[group_of[pk]] == pk]
    rest = sorted(set(group_of) - set(firsts))
    matches: list[ArticleSignature] = []
    matched_groups: set[int] = set()
    for batch in (firsts, rest):
        batch = [pk for pk in batch if group_of[pk] is None or group_of[pk] not in matched_groups]
        if not batch:
            continue
        candidates = (
            ArticleSignature.objects.filter(pk__in=batch)
            .select_related("article")
            .only("signature", "group_id", "article__wire_credit")
            .order_by("pk")
        )
        for other in candidates:
            if other.group_id is not None and other.group_id in matched_groups:
                continue
            try:
                theirs = NearDupSignature.from_json(other.signature)
            except SignatureError:
                continue
            same_credit = bool(article.wire_credit) and article.wire_credit == other.article.wire_credit
            if signature.is_near_duplicate(theirs, same_credit=same_credit):
                matches.append(other)
                if other.group_id is not None:
                    matched_groups.add(other.group_id)
    return matches


def _group_join(row: ArticleSignature, copies: list[ArticleSignature]) -> None:
    group_ids = sorted({c.group_id for c in copies if c.group_id} | ({row.group_id} if row.group_id else set()))
    if group_ids:
        group = SyndicationGroup.objects.get(pk=group_ids[0])
        # The usual case, one more copy of a text already grouped: judged against the group's tally.
        simple = row.group_id is None and len(group_ids) == 1 and all(c.group_id == group.pk for c in copies)
        if simple and _group_add(group, row):
            return
        # Copies already in other groups bring their whole group: the groups were one text all along.
        ArticleSignature.objects.filter(group_id__in=group_ids[1:]).update(group=group)
        SyndicationGroup.objects.filter(pk__in=group_ids[1:]).delete()
    else:
        group = SyndicationGroup.objects.create()
    # Only the rows not in it yet: the copies found are mostly its members already (a write each was N per copy).
    ArticleSignature.objects.filter(pk__in=[row.pk, *(c.pk for c in copies)]).exclude(group=group).update(group=group)
    syndication_group_refresh(group=group)


_FACTS = (
    "article_id",
    "is_repeat",
    "article__original_url",
    "article__canonical_url",
    "article__published_at",
    "article__wire_credit",
    "article__publisher__name",
)
# A site key a LIKE can find in the stored URLs as they were written: an IDNA host (stored in Unicode, perhaps), a
# percent-encoded or IPv6 one make the group recount instead.
_PLAIN_SITE = re.compile(r"(?!.*xn--)[a-z0-9.-]+(:[0-9]+)?")


def _copy_facts(
    pk: int, original: str, canonical: str, published: datetime | None, credit: str, name: str
) -> CopyFacts:
    return CopyFacts(
        key=pk,
        url=original or canonical,
        canonical_url=canonical,
        published_at=published,
        wire_credit=credit,
        publisher_name=name,
        order=pk,
    )


def _group_add(group: SyndicationGroup, row: ArticleSignature) -> bool:
    """Add one new copy to a group by its tally: the new primary is the previous one, the new copy, or a copy the
    new copy's canonical points at (only their ranks changed). One row of facts read (a few when the canonical
    names a site), the new copy's mark written, and the old and new primary's when it moves. False, with nothing
    written, when the group has no usable tally: the caller recounts it."""
    tally = PrimaryTally.from_json(group.tally)
    previous = group.primary_id
    if tally is None or tally.size != group.size or previous is None:
        return False
    # Its facts as stored (the times in UTC, as every other copy's are read).
    _, _, *facts = ArticleSignature.objects.filter(pk=row.pk).values_list(*_FACTS).get()
    new = _copy_facts(row.article_id, *facts)
    lifted = tally.add(new)
    wanted = Q(article_id=previous)
    if lifted:
        if not _PLAIN_SITE.fullmatch(lifted):
            return False
        host = lifted.split(":")[0]
        wanted |= Q(article__original_url__icontains=host) | Q(
            article__original_url="", article__canonical_url__icontains=host
        )
    rows = ArticleSignature.objects.filter(wanted, group=group).exclude(pk=row.pk).values_list(*_FACTS)
    candidates = [_copy_facts(pk, *facts) for pk, _, *facts in rows]
    candidates = [c for c in candidates if c.key == previous or site_key(c.url) == lifted]
    if not any(c.key == previous for c in candidates):
        return False
    choice = choose_among([*candidates, new], tally)
    group.primary_id = choice.primary
    group.reasons = list(choice.reasons)
    group.wire_credit = tally.wire_credit()
    group.size = tally.size
    group.tally = tally.to_json()
    group.save()
    ArticleSignature.objects.filter(pk=row.pk).update(group=group, is_repeat=choice.primary != row.article_id)
    flipped = [row.article_id]
    if choice.primary != previous:
        ArticleSignature.objects.filter(group=group, article_id=previous).update(is_repeat=True)
        ArticleSignature.objects.filter(group=group, article_id=choice.primary).update(is_repeat=False)
        flipped += [previous, choice.primary]
    _stories_recount(flipped)
    return True


def syndication_group_refresh(*, group: SyndicationGroup) -> None:
    """Re-choose the group's primary from all its copies (a new group, merged groups, a copy gone) and mark every
    other copy a repeat; its tally recounted.

    The copies' facts come in one query of plain values, only the rows whose repeat mark changes are written, and
    only the stories holding one of those are recounted."""
    rows = list(ArticleSignature.objects.filter(group=group).order_by("article_id").values_list(*_FACTS))
    if not rows:
        group.delete()
        return
    copies = [_copy_facts(pk, *facts) for pk, _, *facts in rows]
    tally = PrimaryTally.of(copies)
    choice = choose_among(copies, tally)
    group.primary_id = choice.primary
    group.reasons = list(choice.reasons)
    group.wire_credit = tally.wire_credit()
    group.size = len(rows)
    group.tally = tally.to_json()
    group.save()
    flipped = [pk for pk, repeat, *_ in rows if repeat != (pk != choice.primary)]
    if not flipped:
        return
    ArticleSignature.objects.filter(group=group, is_repeat=False).exclude(article_id=choice.primary).update(
        is_repeat=True
    )
    ArticleSignature.objects.filter(group=group, article_id=choice.primary, is_repeat=True).update(is_repeat=False)
    _stories_recount(flipped)


def _stories_recount(article_ids: list[int]) -> None:
    """Recount the stories of these articles (their repeat marks changed)."""
    if not StoryMembership.objects.filter(article_id__in=article_ids).exists():
        return  # a new copy has no story yet: its assignment counts it
    # Story rows are written in the story turn: under the wire turn alone, a worker grouping a copy and another
    # assigning stories updated the same stories in opposite orders (a deadlock on PostgreSQL, seen in the
    # two-workers world test). Wire turn, then story turn; assignment never takes the wire turn, so no cycle.
    # The stories are read once the turn is ours: the assignment it waited for may have merged some away.
    turn_take(STORY_TURN)
    their_stories = StoryMembership.objects.filter(article_id__in=article_ids).values("story_id")
    # No member joined these stories: a closed one stays closed (stories_counts_refresh keeps it so).
    stories_counts_refresh(list(Story.objects.filter(pk__in=their_stories).defer("state").order_by("pk")))


def group_leave(article: Article) -> None:
    """Take the article out of its wire-copy group (its text changed: it may no longer be a copy); the group's
    primary is re-chosen from the copies left."""
    row = ArticleSignature.objects.filter(article=article, group__isnull=False).select_related("group").first()
    if row is None:
        return
    ArticleSignature.objects.filter(pk=row.pk).update(group=None, is_repeat=False)
    syndication_group_refresh(group=row.group)


def signatures_forget(ids: list[int]) -> None:
    """Drop the articles' signatures and band keys; the groups they were in re-choose their primary from the copies
    left (a group left empty goes)."""
    group_ids = set(ArticleSignature.objects.filter(article_id__in=ids).values_list("group_id", flat=True)) - {None}
    SignatureBand.objects.filter(article_id__in=ids).delete()
    ArticleSignature.objects.filter(article_id__in=ids).delete()
    for group in SyndicationGroup.objects.filter(pk__in=group_ids):
        syndication_group_refresh(group=group)


def groups_recount(*, article_ids: Iterable[int]) -> int:
    """Re-choose, from every copy's facts as stored now, the primary of each group these articles are copies in (a
    copy's credit or publisher changed outside ingestion); how many groups were recounted. `article_ids` may be a
    query of ids, read as a subquery."""
    with transaction.atomic():
        turn_take(WIRE_TURN)
        in_groups = ArticleSignature.objects.filter(article_id__in=article_ids, group__isnull=False)
        groups = list(SyndicationGroup.objects.filter(pk__in=in_groups.values("group_id")).order_by("pk"))
        for group in groups:
            syndication_group_refresh(group=group)
    if groups:
        content_version_bump()
    return len(groups)
