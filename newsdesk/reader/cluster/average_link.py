"""Average-link clustering of a pair-score matrix (cluster.regroup: a closing story's members split at its close).

Average link (the mean score over every pair across two groups) rather than a centroid: a story's centroid scores a
related event's reports too high (docs/benchmarks.md, "Merges and splits at a story's close").
"""

from __future__ import annotations

import numpy as np


def cohesion_split(similarity: np.ndarray, group: list[int], ratio: float, min_size: int) -> list[list[int]]:
    """`group` (indices of `similarity`) cut where its average-link tree's two top branches, both of at least
    `min_size`, link below `ratio` times the mean score of the pairs inside them; each branch then looked at the same
    way. A branch smaller than `min_size` at the top (an outlier) is set aside and the larger one looked into, the
    outlier going back to whichever resulting group it links best to. 0: never cut."""
    if ratio <= 0 or len(group) < 2 * min_size:
        return [group]
    inner = similarity[np.ix_(group, group)]
    first, second = sorted(average_link_groups(inner, -np.inf, until=2), key=len, reverse=True)
    if len(second) < min_size:
        found = cohesion_split(similarity, [group[i] for i in first], ratio, min_size)
        if len(found) > 1:
            for outlier in second:
                best = max(range(len(found)), key=lambda n: similarity[group[outlier], found[n]].mean())
                found[best] = sorted([*found[best], group[outlier]])
        return found if len(found) > 1 else [group]
    cross = float(inner[np.ix_(first, second)].mean())
    within = sum(_pairs_total(inner[np.ix_(side, side)]) for side in (first, second))
    pairs = sum(len(side) * (len(side) - 1) / 2 for side in (first, second))
    if cross >= ratio * within / pairs:
        return [group]
    return [
        *cohesion_split(similarity, [group[i] for i in first], ratio, min_size),
        *cohesion_split(similarity, [group[i] for i in second], ratio, min_size),
    ]


def _pairs_total(square: np.ndarray) -> float:
    """The sum of a symmetric matrix's scores above the diagonal (each pair once)."""
    return float((square.sum() - np.trace(square)) / 2)


def average_link_groups(similarity: np.ndarray, bar: float, until: int = 1) -> list[list[int]]:
    """Average-link agglomeration of a symmetric pair-score matrix: the two groups whose mean cross-pair score is
    highest join while that mean is at least `bar` and more than `until` groups are left. Groups of indices, each in
    ascending order, by first index."""
    count = len(similarity)
    sums = np.array(similarity, dtype=np.float64)  # sums[i, j]: total score between groups i and j
    sizes = np.ones(count)
    alive = np.ones(count, dtype=bool)
    groups: list[list[int]] = [[i] for i in range(count)]
    for _ in range(count - until):
        links = sums / np.outer(sizes, sizes)
        links[~alive, :] = -np.inf
        links[:, ~alive] = -np.inf
        np.fill_diagonal(links, -np.inf)
        i, j = divmod(int(np.argmax(links)), count)
        if links[i, j] < bar:
            break
        i, j = min(i, j), max(i, j)
        sums[i, :] += sums[j, :]
        sums[:, i] = sums[i, :]
        sizes[i] += sizes[j]
        alive[j] = False
        groups[i].extend(groups[j])
    return [sorted(groups[i]) for i in range(count) if alive[i]]
