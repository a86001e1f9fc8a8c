"""The refusals of backup, restore and copy that need no whole install: each is one line, and nothing changes."""

import io
import json
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from newsdesk.articles.models import Article
from newsdesk.backup import archive, copy_services, services
from newsdesk.backup.archive import BackupArchive, BackupError, Manifest, archive_write
from newsdesk.backup.selectors import table_row_counts
from tests.postgres.subprocess_db import REPO, child_env, python_argv

pytestmark = pytest.mark.postgres

GOOD = {
    "format": "newsdesk-backup",
    "format_version": 1,
    "vendor": "sqlite",
    "created_at": "2026-01-01T00:00:00+00:00",
    "newsdesk_version": "0.1.0",
    "migrations": {},
    "tables": {},
    "secret_key": False,
}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "it has no readable manifest.json"),
        (json.dumps([1, 2]).encode(), "its manifest is not a newsdesk-backup manifest"),
        (json.dumps({**GOOD, "format": "other"}).encode(), "its manifest is not a newsdesk-backup manifest"),
        (json.dumps({**GOOD, "format_version": "1"}).encode(), "is a backup of format 1, newer than this"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "tables"}).encode(), "is not a newsdesk-backup manifest"),
        (json.dumps({**GOOD, "vendor": "oracle"}).encode(), "its manifest is not a newsdesk-backup manifest"),
    ],
)
def test_a_manifest_that_is_not_ours_is_refused(raw, message):
    with pytest.raises(BackupError) as refused:
        Manifest.from_json(raw, path=Path("x.tar.gz"))

    assert message in str(refused.value)


def test_a_manifest_round_trips():
    manifest = Manifest(**{k: v for k, v in GOOD.items() if k not in ("format", "format_version")})

    assert Manifest.from_json(manifest.to_json(), path=Path("x")) == manifest
    assert manifest.database_member == "database.sqlite3"


def test_an_archive_that_cannot_be_written_leaves_no_part_file(tmp_path):
    manifest = Manifest(**{k: v for k, v in GOOD.items() if k not in ("format", "format_version")})

    with pytest.raises(FileNotFoundError):
        archive_write(path=tmp_path / "b.tar.gz", manifest=manifest, database=tmp_path / "missing", secret_key=None)

    assert list(tmp_path.iterdir()) == []


def test_a_missing_sqlite_database_is_nothing_to_back_up(tmp_path):
    with pytest.raises(BackupError) as refused:
        services._sqlite_snapshot(str(tmp_path / "none.sqlite3"), tmp_path / "copy")

    assert str(refused.value) == services.NO_DATABASE.format(path=tmp_path / "none.sqlite3")


def test_a_backup_of_a_data_dir_that_does_not_exist_creates_nothing(tmp_path):
    data_dir = tmp_path / "mistyped"
    done = subprocess.run(
        python_argv("-m", "newsdesk", "backup"),
        cwd=REPO, env=child_env(NEWSDESK_DATA_DIR=str(data_dir), NEWSDESK_DATABASE_URL=""),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert done.returncode == 1
    assert done.stderr == "CommandError: " + services.NO_DATABASE.format(path=data_dir / "newsdesk.sqlite3") + "\n"
    assert not data_dir.exists()  # it made the data dir and its backups/ folder before finding no database


@pytest.mark.django_db(transaction=True)
def test_a_backup_that_cannot_be_written_is_one_line(data_dir, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")

    with pytest.raises(CommandError) as refused:
        call_command("backup", "--output", str(blocker / "b.tar.gz"), stdout=io.StringIO())

    assert str(refused.value).startswith(f"cannot write the backup {blocker / 'b.tar.gz'}: ")
    assert "\n" not in str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_a_database_member_that_is_not_a_database_is_refused(data_dir, newsroom, tmp_path):
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"\x00garbage" * 512)
    fields = {k: v for k, v in GOOD.items() if k not in ("format", "format_version")}
    path = tmp_path / "b.tar.gz"
    archive_write(
        path=path, manifest=Manifest(**{**fields, "vendor": connection.vendor}), database=garbage, secret_key=None
    )

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path), "--force", stdout=io.StringIO())

    member = archive.DATABASE_MEMBERS[connection.vendor]
    kind = "SQLite database" if connection.vendor == "sqlite" else "PostgreSQL dump"
    assert str(refused.value).startswith(f"{path} ({member}) is not a ")
    assert kind in str(refused.value)
    assert Article.objects.count() == len(newsroom)
    with BackupArchive(path) as opened:
        assert not opened.has_secret_key()


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_a_copy_whose_counts_differ_is_rolled_back(data_dir, newsroom, tmp_path, monkeypatch):
    counted = copy_services.table_row_counts

    def one_short(*, using):
        counts = counted(using=using)
        if using == copy_services.TARGET_ALIAS:
            counts["articles_article"] -= 1
        return counts

    monkeypatch.setattr(copy_services, "table_row_counts", one_short)
    target = tmp_path / "t.sqlite3"

    with pytest.raises(CommandError) as refused:
        call_command("db", "copy", "--to", f"sqlite:///{target}", "--no-progress", stdout=io.StringIO())

    assert str(refused.value) == copy_services.COUNTS_DIFFER.format(
        table="articles_article", target=len(newsroom) - 1, source=len(newsroom)
    )
    with copy_services.database_alias(f"sqlite:///{target}") as alias:
        assert table_row_counts(using=alias).get("articles_article") == 0


@pytest.mark.django_db(transaction=True)
def test_a_source_that_is_not_migrated_is_not_copied(data_dir, tmp_path, monkeypatch):
    class Behind:
        def __init__(self, connection):
            self.loader = type("Loader", (), {"graph": type("Graph", (), {"leaf_nodes": lambda self: []})()})()

        def migration_plan(self, targets):
            return ["articles.0099_not_applied"]

    monkeypatch.setattr(copy_services, "MigrationExecutor", Behind)

    with pytest.raises(CommandError) as refused:
        call_command("db", "copy", "--to", f"sqlite:///{tmp_path / 't.sqlite3'}", "--no-progress")

    assert str(refused.value) == copy_services.SOURCE_NOT_MIGRATED
    assert not (tmp_path / "t.sqlite3").exists()
