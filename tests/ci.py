"""Under CI nothing may pass by skipping: a skip is a failure unless the test declares it may skip, and why.

A user's clone may lack ../shared/eval, chromium or PostgreSQL, and the tests that need them skip there with a
clear reason. On CI those are all provided, so a skip there means a check silently did not run: the hooks in
`tests/conftest.py` turn it into a failure. The only skips CI accepts are declared on the test itself:

    @pytest.mark.ci_may_skip(POSTGRES_ONLY)
    @pytest.mark.skipif(connection.vendor != "postgresql", reason=POSTGRES_ONLY)
    def test_...

and the skip's reason must be the declared one; or its reason is one of ALLOWED_SKIP_REASONS below, the few
skips that are right on any machine (a PostgreSQL-only check while running on SQLite). In the PostgreSQL pass
(`make test-postgres`, which exports NEWSDESK_REQUIRE_POSTGRES=1) no skip at all is accepted.
"""

from __future__ import annotations

import os

import pytest

ALLOWED_SKIP_MARKER = "ci_may_skip"
POSTGRES_ONLY = "PostgreSQL-only check, running on SQLite"
# Skips that are correct on CI too, each for a reason that says why; keep this list short and reasoned.
ALLOWED_SKIP_REASONS = frozenset(
    {
        POSTGRES_ONLY,
        "SKIP LOCKED is PostgreSQL's; SQLite serialises claims",  # tests/ingest/test_claims.py
    }
)
REQUIRE_POSTGRES_ENV = "NEWSDESK_REQUIRE_POSTGRES"
_OFF = frozenset({"", "0", "false", "no", "off"})


def flag_is_on(value: str | None) -> bool:
    """CI=true, CI=1, CI=yes are on; unset, empty, 0 and false are off (the way CI runners set it)."""
    return (value or "").strip().lower() not in _OFF


def ci_enabled() -> bool:
    return flag_is_on(os.environ.get("CI"))


def postgres_required() -> bool:
    """The PostgreSQL pass: the Makefile says so, or the database URL names PostgreSQL."""
    url = os.environ.get("NEWSDESK_DATABASE_URL", "")
    return flag_is_on(os.environ.get(REQUIRE_POSTGRES_ENV)) or url.startswith(("postgres://", "postgresql://"))


def skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (path, line, "Skipped: reason")
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def allowed_reasons(item: pytest.Item | None) -> list[str]:
    if item is None:
        return []
    return [str(arg) for marker in item.iter_markers(ALLOWED_SKIP_MARKER) for arg in marker.args]


def refusal(report: pytest.TestReport | pytest.CollectReport, item: pytest.Item | None) -> str | None:
    """Why this skip must fail the run, or None when it may stand."""
    if not report.skipped or hasattr(report, "wasxfail"):
        return None
    reason = skip_reason(report)
    if postgres_required():
        return f"skipped in the PostgreSQL pass, where every selected test must run: {reason}"
    if not ci_enabled():
        return None
    if reason in ALLOWED_SKIP_REASONS or reason in allowed_reasons(item):
        return None
    return (
        f"skipped under CI: {reason}\n"
        f"CI provides every dependency and data set, so this check must run. If the skip is legitimate, declare it "
        f"with @pytest.mark.{ALLOWED_SKIP_MARKER}(<the exact skip reason>)."
    )


def fail_instead_of_skipping(report: pytest.TestReport | pytest.CollectReport, item: pytest.Item | None) -> None:
    message = refusal(report, item)
    if message is not None:
        report.outcome = "failed"
        report.longrepr = message


# The hooks themselves: tests/conftest.py imports them; a plain pytest run loads them with `-p tests.ci`.
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    report = yield
    fail_instead_of_skipping(report, item)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> pytest.CollectReport:
    report = yield
    fail_instead_of_skipping(report, None)
    return report
