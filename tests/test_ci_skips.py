"""Under CI a skip is a failure unless declared; in the PostgreSQL pass no skip stands (tests/ci.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ci import POSTGRES_ONLY, flag_is_on

REPO = Path(__file__).resolve().parents[1]
POSTGRES_TESTS = "tests/postgres/test_postgres_search.py"

SKIPPING_TESTS = f"""
import pytest

def test_missing_data():
    pytest.skip("../shared/eval not present")

@pytest.mark.ci_may_skip("{POSTGRES_ONLY}")
def test_declared_skip():
    pytest.skip("{POSTGRES_ONLY}")

@pytest.mark.ci_may_skip("{POSTGRES_ONLY}")
def test_declared_for_another_reason():
    pytest.skip("chromium missing")

@pytest.mark.skipif(True, reason="{POSTGRES_ONLY}")
def test_centrally_allowed_skipif():
    pass

def test_that_runs():
    assert True
"""


# tests.ci is already imported by the outer run, so the inner one cannot assert-rewrite it; that is fine.
QUIET = ("-W", "ignore::pytest.PytestAssertRewriteWarning")


@pytest.fixture
def run_inner(pytester, monkeypatch):
    """Run an inner pytest session with the CI hooks and no Django, in an environment the test chose."""
    monkeypatch.delenv("NEWSDESK_DATABASE_URL", raising=False)
    monkeypatch.delenv("NEWSDESK_REQUIRE_POSTGRES", raising=False)
    monkeypatch.delenv("CI", raising=False)

    def run(source: str, **env: str) -> pytest.RunResult:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        pytester.makepyfile(test_inner=source)
        return pytester.runpytest_inprocess(
            "-p", "tests.ci", "-p", "no:django", "-p", "no:cacheprovider", "-rA", *QUIET
        )

    return run


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes"])
def test_ci_flag_is_on_for_the_values_ci_runners_set(value):
    assert flag_is_on(value)


@pytest.mark.parametrize("value", [None, "", "0", "false", "False", "no", "off"])
def test_ci_flag_is_off_when_unset_empty_zero_or_false(value):
    assert not flag_is_on(value)


def test_outside_ci_skips_stay_skips(run_inner):
    result = run_inner(SKIPPING_TESTS, CI="0")

    result.assert_outcomes(passed=1, skipped=4)


@pytest.mark.parametrize("ci", ["1", "true"])
def test_under_ci_an_undeclared_skip_fails_and_a_declared_one_stands(run_inner, ci):
    result = run_inner(SKIPPING_TESTS, CI=ci)

    result.assert_outcomes(passed=1, skipped=2, failed=2)
    result.stdout.fnmatch_lines(["*FAILED test_inner.py::test_missing_data*skipped under CI*"])
    result.stdout.fnmatch_lines(["*FAILED test_inner.py::test_declared_for_another_reason*chromium missing*"])
    result.stdout.no_fnmatch_line("*test_declared_skip*")
    result.stdout.no_fnmatch_line("*test_centrally_allowed_skipif*")


def test_under_ci_a_module_level_skip_or_importorskip_fails(run_inner):
    result = run_inner(
        """
import pytest
pytest.importorskip("newsdesk_module_that_does_not_exist")

def test_never_collected():
    pass
""",
        CI="true",
    )

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*skipped under CI*newsdesk_module_that_does_not_exist*"])


def test_under_ci_a_skip_in_a_fixture_fails(run_inner):
    result = run_inner(
        """
import pytest

@pytest.fixture
def browser():
    pytest.skip("playwright not installed")

def test_in_a_browser(browser):
    pass
""",
        CI="1",
    )

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*skipped under CI: playwright not installed*"])


def test_in_the_postgres_pass_even_a_declared_skip_fails(run_inner):
    result = run_inner(SKIPPING_TESTS, NEWSDESK_REQUIRE_POSTGRES="1")

    # A skipif mark is evaluated in setup, so its refused skip reports as an error there.
    result.assert_outcomes(passed=1, failed=3, errors=1)
    result.stdout.fnmatch_lines(["*FAILED test_inner.py::test_declared_skip - skipped in the PostgreSQL pass*"])


def test_xfail_is_not_treated_as_a_skip(run_inner):
    result = run_inner(
        """
import pytest

@pytest.mark.xfail(reason="known bug", strict=True)
def test_known_bug():
    assert False
""",
        CI="1",
    )

    result.assert_outcomes(xfailed=1)


def test_a_postgres_pass_that_is_really_on_sqlite_fails_at_the_session_fixture(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSDESK_DATABASE_URL", "CI")}
    env.update(NEWSDESK_REQUIRE_POSTGRES="1", NEWSDESK_DATA_DIR=str(tmp_path))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "diacritics", POSTGRES_TESTS],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 1, run.stdout
    assert "AssertionError: the PostgreSQL pass is connected to sqlite" in run.stdout
    assert "1 error" in run.stdout
