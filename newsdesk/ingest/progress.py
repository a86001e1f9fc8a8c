"""A rich progress bar for refresh cycles on the terminal."""

from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsdesk.ingest.services import RefreshReport


@contextmanager
def refresh_progress(total: int, *, enabled: bool = True):
    """Yields a callback to pass as run_cycle(on_feed_done=...)."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("feeds · {task.fields[new]} new articles · {task.fields[errors]} errors"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task("ingest", total=total, new=0, errors=0)
        counts = {"new": 0, "errors": 0}

        def advance(report: RefreshReport) -> None:
            counts["new"] += report.items_new
            counts["errors"] += int(report.outcome == "error")
            progress.update(task, advance=1, **counts)

        yield advance
