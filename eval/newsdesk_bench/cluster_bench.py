"""`newsdesk bench cluster [--data DIR] [--model wordllama|use-multilingual|DIR|none]`: B-cubed precision, recall, F1 (the corpus's score.py) and articles/s of our
story clustering and of a plain TF-IDF single-pass baseline, measured in the same run by eval/cluster_eval.py in a
child process (so imports are not timed)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from newsdesk.reader.packaged_model import PACKAGED, PACKAGED_MODEL


def cluster_bench(*, data: str | None, say: Callable[[str], None], model: str | None = None) -> dict:
    """{"ours": {"precision", "recall", "f1", "articles_per_s"}, "baseline": {...}}; CommandError (one line) when the
    data cannot be read or the run fails."""
    script = Path(settings.BASE_DIR) / "eval" / "cluster_eval.py"
    argv = [sys.executable, str(script), "--json"]
    if data:
        if not Path(data).exists():
            raise CommandError(f"--data {data}: no such file or folder")
        argv += ["--data", str(Path(data).resolve())]
    model = model or PACKAGED_MODEL  # as NEWSDESK_CLUSTER_MODEL's default
    # A folder that is not a model is eval/cluster_eval.py's one-line error.
    named = model.strip().lower() in (*PACKAGED, "none", "off")
    argv += ["--model", model if named else str(Path(model).resolve())]
    with_model = f", with the static embedding model {model}" if model.lower() not in ("none", "off") else ""
    say(
        f"story clustering on {data or '../shared/eval/clustering/uci_dev.jsonl'} (ours vs TF-IDF single pass{with_model}) …"
    )
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        problem = [line for line in done.stderr.splitlines() if line.strip()]
        raise CommandError(f"cluster benchmark failed: {(problem or ['no output'])[-1]}")
    figures = json.loads(lines[-1])
    keys = ("precision", "recall", "f1", "articles_per_s")
    return {name: {key: figures[name][key] for key in keys} for name in ("ours", "baseline")}
