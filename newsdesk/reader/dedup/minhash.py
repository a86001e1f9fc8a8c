"""Near-duplicate signatures: MinHash over word shingles of normalized text, cut into LSH bands.

Two copies of one wire text differ by a changed headline word, a dropped or added paragraph, swapped sentences
and a credit line; their shingle sets still overlap far more than two independent reports of one event do. The
signature stores the MinHash values (so the Jaccard estimate can be checked exactly against any candidate) and
derives the band keys the database indexes: articles sharing one band key are candidates, nothing else is compared.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from dataclasses import dataclass

NUM_PERM = 128
SEED = 1
# Five-word shingles: on the demo world's template-written reports, shorter ones let two independent reports of
# one event (same names, same stock phrases) overlap as much as two edited copies of one wire text do.
SHINGLE_WORDS = 5
# 42 bands of 3 rows (126 of the 128 values): a pair whose Jaccard is 0.4 shares a band with probability
# 1 - (1 - 0.4**3)**42 = 0.94, at 0.25 it is 0.48 (groups are transitive, so one matching copy suffices), at 0.1
# it is 0.04. The exact estimate then decides.
BANDS = 42
ROWS = 3
# Measured on demo worlds (seeds 3, 7, 11), five-word shingles: edited copies of one wire text (1-3 paragraph
# edits, a dateline, a credit line) score 0.40-0.95; other pairs in one language at most 0.37, and two texts
# crediting the same agency for different events at most 0.12. So a shared credit line lowers the bar.
NEAR_DUPLICATE_JACCARD = 0.5
CREDITED_COPY_JACCARD = 0.25
# Texts shorter than this many words have too few shingles to tell a copy from a coincidence.
MIN_WORDS = 12
SIGNATURE_VERSION = 1

_WORD = re.compile(r"\w+", re.UNICODE)


class SignatureError(ValueError):
    """A stored signature that cannot be read back (wrong version or shape)."""


def normalize_words(text: str) -> list[str]:
    """Words of `text`, case-folded, compatibility-normalized and without accents: 'Élysée' and 'elysee' match."""
    folded = unicodedata.normalize("NFKD", text or "").casefold()
    stripped = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _WORD.findall(stripped)


def shingles(words: list[str], size: int = SHINGLE_WORDS) -> set[str]:
    """Overlapping runs of `size` words (the whole text as one shingle when it is shorter)."""
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


@dataclass(frozen=True)
class NearDupSignature:
    """A text's MinHash values; `band_keys` are what an index stores, `jaccard` what a candidate is judged by."""

    hashvalues: tuple[int, ...]
    word_count: int

    @classmethod
    def of_text(cls, text: str) -> NearDupSignature:
        # Imported on first use: datasketch pulls in scipy (about 2 s), which every worker and command would
        # otherwise pay at start even when it stores no article.
        from datasketch import MinHash

        words = normalize_words(text)
        minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
        grams = shingles(words)
        if grams:
            minhash.update_batch([gram.encode("utf-8") for gram in grams])
        return cls(hashvalues=tuple(int(v) for v in minhash.hashvalues), word_count=len(words))

    @property
    def is_comparable(self) -> bool:
        """Long enough for a match to mean copying rather than coincidence."""
        return self.word_count >= MIN_WORDS

    def band_keys(self) -> list[str]:
        """One key per LSH band, `<band>:<hash>` (35 characters); none for texts too short to compare."""
        if not self.is_comparable:
            return []
        keys = []
        for band in range(BANDS):
            rows = self.hashvalues[band * ROWS : (band + 1) * ROWS]
            digest = hashlib.blake2b(struct.pack(f"<{ROWS}Q", *rows), digest_size=16).hexdigest()
            keys.append(f"{band:02d}:{digest}")
        return keys

    def jaccard(self, other: NearDupSignature) -> float:
        """Estimated Jaccard similarity of the two shingle sets (share of equal MinHash values)."""
        if len(self.hashvalues) != len(other.hashvalues) or not self.hashvalues:
            return 0.0
        equal = sum(1 for a, b in zip(self.hashvalues, other.hashvalues, strict=True) if a == b)
        return equal / len(self.hashvalues)

    def is_near_duplicate(self, other: NearDupSignature, *, same_credit: bool = False) -> bool:
        """Copies of one text: Jaccard above the bar, a lower bar when both credit the same agency."""
        if not (self.is_comparable and other.is_comparable):
            return False
        return self.jaccard(other) >= (CREDITED_COPY_JACCARD if same_credit else NEAR_DUPLICATE_JACCARD)

    def to_json(self) -> dict:
        return {"v": SIGNATURE_VERSION, "words": self.word_count, "minhash": list(self.hashvalues)}

    @classmethod
    def from_json(cls, data: object) -> NearDupSignature:
        if not isinstance(data, dict) or data.get("v") != SIGNATURE_VERSION:
            raise SignatureError("not a version 1 near-duplicate signature")
        values = data.get("minhash")
        words = data.get("words")
        if not isinstance(values, list) or len(values) != NUM_PERM or not isinstance(words, int):
            raise SignatureError("near-duplicate signature has the wrong shape")
        if not all(isinstance(v, int) and 0 <= v < 2**64 for v in values):
            raise SignatureError("near-duplicate signature holds values out of range")
        return cls(hashvalues=tuple(values), word_count=words)
