"""deploy/systemd's units pass `systemd-analyze verify` — systemd's own parser, which reports unknown keys, bad
values and missing executables — with the venv path pointed at the `newsdesk` installed beside these tests."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UNITS = sorted((REPO / "deploy" / "systemd").glob("*.service"))
INSTALLED = "/srv/newsdesk/venv/bin/newsdesk"  # where docs/operations.md installs the app


def _verify(unit: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)


def _installed_here(unit: Path, scratch: Path) -> Path:
    copy = scratch / unit.name
    newsdesk = Path(sys.executable).with_name("newsdesk")
    copy.write_text(unit.read_text(encoding="utf-8").replace(INSTALLED, str(newsdesk)), encoding="utf-8")
    return copy


def test_the_units_are_the_web_service_and_the_worker_template():
    assert [unit.name for unit in UNITS] == ["newsdesk-web.service", "newsdesk-worker@.service"]
    assert all(INSTALLED in unit.read_text(encoding="utf-8") for unit in UNITS)


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_the_unit_passes_systemd_analyze_verify(unit, tmp_path):
    verified = _verify(_installed_here(unit, tmp_path))

    assert verified.returncode == 0, verified.stderr
    assert verified.stderr == ""  # a warning (an unknown key, a bad value) would be printed here


def test_verify_reports_what_a_broken_unit_gets_wrong(tmp_path):
    # The check can fail: a misspelt key and a missing executable are both reported.
    broken = tmp_path / "broken.service"
    broken.write_text("[Service]\nExecStart=/nonexistent/newsdesk serve\nRestartt=always\n", encoding="utf-8")

    verified = _verify(broken)

    assert "Unknown key" in verified.stderr
    assert "/nonexistent/newsdesk" in verified.stderr
