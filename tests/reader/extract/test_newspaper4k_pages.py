"""eval/newspaper4k_pages.py lays newspaper4k's test pages out in the dev set's layout, from an sdist on disk."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "eval" / "newspaper4k_pages.py"
BODY = "Word " * 40


def _sdist(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"newspaper4k-0.9.6/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False)


def test_pages_with_their_expected_text_are_written_in_the_dev_layout(tmp_path):
    meta = json.dumps({"url": "https://news.example/a"}).encode()
    sdist = _sdist(
        tmp_path / "newspaper4k-0.9.6.tar.gz",
        {
            "tests/data/html/story.html": b"<html><body><p>Story</p></body></html>",
            "tests/data/txt/story.txt": BODY.encode(),
            "tests/data/metadata/story.json": meta,
            "tests/data/html/front.html": b"<html></html>",  # a front page: too little expected text
            "tests/data/txt/front.txt": b"Top stories",
            "tests/data/metadata/front.json": meta,
            "tests/data/html/no_text.html": b"<html></html>",  # no expected text at all
        },
    )
    done = _run(str(tmp_path / "out"), "--sdist", str(sdist))
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    assert (out / "ids.txt").read_text() == "story\n"
    assert gzip.decompress((out / "html" / "story.html.gz").read_bytes()) == b"<html><body><p>Story</p></body></html>"
    assert json.loads((out / "gold" / "story.json").read_text()) == {
        "articleBody": BODY,
        "url": "https://news.example/a",
    }


def test_a_missing_or_broken_sdist_is_a_one_line_error(tmp_path):
    done = _run(str(tmp_path / "out"), "--sdist", str(tmp_path / "nope.tar.gz"))
    assert done.returncode == 2
    assert "no such file" in done.stderr
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tar")
    done = _run(str(tmp_path / "out"), "--sdist", str(broken))
    assert done.returncode == 2
    assert done.stderr.startswith("newspaper4k pages:")
    assert "Traceback" not in done.stderr
