"""Wire copies: near-duplicate signatures (minhash), credit lines (wire) and the primary source (primary)."""

from newsdesk.reader.dedup.minhash import NearDupSignature, SignatureError
from newsdesk.reader.dedup.primary import CopyFacts, PrimaryChoice, PrimaryTally, choose_among, choose_primary

__all__ = [
    "CopyFacts",
    "NearDupSignature",
    "PrimaryChoice",
    "PrimaryTally",
    "SignatureError",
    "choose_among",
    "choose_primary",
]
