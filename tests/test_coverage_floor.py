"""The coverage floor `make test` enforces only goes up (scripts/coverage_floor.py, `make coverage-floor`)."""

import importlib.util
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("coverage_floor", ROOT / "scripts" / "coverage_floor.py")
coverage_floor = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(coverage_floor)


def test_a_higher_measurement_raises_the_floor_to_just_under_it():
    assert coverage_floor.raised_floor(93.27, floor=91.7) == 92.7


def test_a_lower_measurement_never_lowers_the_floor():
    assert coverage_floor.raised_floor(90.0, floor=91.7) == 91.7


def test_the_pinned_floor_is_a_real_one():
    pinned = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["coverage"]
    assert pinned["report"]["fail_under"] >= 91.7
    assert pinned["run"]["patch"] == ["subprocess"]
    assert coverage_floor.current_floor((ROOT / "pyproject.toml").read_text()) == pinned["report"]["fail_under"]
