"""Where the public evaluation data lives (../shared/eval beside the repo), and how tests skip without it.

The skip is for a user's clone only: under CI (tests/ci.py) any skip for missing data fails the run."""

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = (REPO_ROOT / ".." / "shared" / "eval").resolve()
SKIP_REASON = "../shared/eval not present beside the repository (a user's clone); CI has it"


def shared_eval_dir(name: str) -> Path:
    """The named folder of ../shared/eval, or skip the calling test with a clear reason (a failure under CI)."""
    path = SHARED_EVAL / name
    if not path.is_dir():
        pytest.skip(SKIP_REASON)
    return path
