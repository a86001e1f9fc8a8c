"""The C tree under AddressSanitizer and UndefinedBehaviorSanitizer: hostile bytes must never read or write
out of bounds, whatever the parser then decides. The extension is compiled again with the sanitizers
into a temporary folder and fuzzed in a subprocess (see litetree_fuzz.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.shared_data import SHARED_EVAL

HERE = Path(__file__).resolve().parent
SOURCES = HERE.parents[2] / "newsdesk" / "reader" / "feeds" / "litetree_src"


def sanitizer_runtime(name: str) -> str:
    found = subprocess.run(["gcc", f"-print-file-name={name}"], capture_output=True, text=True, check=False)
    path = found.stdout.strip()
    return path if os.path.isabs(path) and os.path.exists(path) else ""


@pytest.mark.slow
def test_fuzzing_the_sanitized_build_finds_no_memory_error(tmp_path):
    if shutil.which("gcc") is None:
        pytest.skip("no gcc here: the sanitized build needs a C compiler")
    runtimes = [sanitizer_runtime("libasan.so"), sanitizer_runtime("libubsan.so")]
    if not all(runtimes):
        pytest.skip("gcc has no AddressSanitizer/UBSan runtime here")
    library = tmp_path / ("_litetree" + sysconfig.get_config_var("EXT_SUFFIX"))
    subprocess.run(
        [
            "gcc", "-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined",
            "-fno-omit-frame-pointer", "-shared", "-fPIC", f"-I{sysconfig.get_paths()['include']}",
            *sorted(str(path) for path in SOURCES.glob("*.c")), "-o", str(library),
        ],
        check=True,
    )  # fmt: skip
    folders = [str(SHARED_EVAL / "feeds")] if (SHARED_EVAL / "feeds").is_dir() else []
    env = dict(
        os.environ,
        LD_PRELOAD=" ".join(runtimes),
        ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:exitcode=86",  # Python itself keeps memory at exit
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1",
    )
    done = subprocess.run(
        [sys.executable, str(HERE / "litetree_fuzz.py"), str(library), "20261125", "40000", *folders],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    report = (done.stderr or "")[-3000:]
    assert done.returncode == 0, report
    assert "runtime error" not in done.stderr, report
    accepted = int(done.stdout.split()[-1])
    assert accepted > 1000, done.stdout  # enough mutated documents got through to exercise the tree
