"""`newsdesk bench extract [--data DIR]`: precision, recall, F1 (the corpus's score.py) and pages/s of our
extractor and of bare trafilatura (include_comments=False), measured in the same run by eval/extraction_eval.py
in a child process (so neither extractor's imports are timed, and the command's own process stays small)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError


def extract_bench(*, data: str | None, say: Callable[[str], None]) -> dict:
    """{"ours": {"precision", "recall", "f1", "pages_per_s"}, "trafilatura": {...}}; CommandError (one line) when
    the data folder has no pages or the run fails."""
    script = Path(settings.BASE_DIR) / "eval" / "extraction_eval.py"
    argv = [sys.executable, str(script), "--json"]
    if data:
        if not Path(data).is_dir():
            raise CommandError(f"--data {data}: not a folder")
        argv += ["--data", str(Path(data).resolve())]
    say(f"extraction on {data or '../shared/eval/extraction/dev'} (ours vs trafilatura) …")
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        problem = [line for line in done.stderr.splitlines() if line.strip() and "WARNING" not in line]
        raise CommandError(f"extraction benchmark failed: {(problem or ['no output'])[-1]}")
    return json.loads(lines[-1])
