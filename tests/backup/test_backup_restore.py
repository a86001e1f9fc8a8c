"""`newsdesk backup` / `newsdesk restore` on the database of the run (SQLite, and PostgreSQL in its pass)."""

import gzip
import io
import json
import os
import subprocess
import tarfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db import connections as db_connections

from newsdesk.articles.models import Article
from newsdesk.articles.selectors import article_search
from newsdesk.backup import archive, services
from newsdesk.backup.archive import BackupArchive, Manifest, archive_write
from newsdesk.backup.copy_services import database_alias
from newsdesk.backup.selectors import table_row_counts
from newsdesk.common.content_version import content_version
from newsdesk.common.secret_key import secret_key_path, secret_key_read
from tests.backup.conftest import KEY, article_rows
from tests.factories import make_article, make_publisher
from tests.postgres.subprocess_db import REPO, child_env, current_database_url, python_argv

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, databases="__all__")]


def _backup(path: Path | None = None) -> Path:
    out = io.StringIO()
    call_command("backup", *(["--output", str(path)] if path else []), stdout=out)
    return Path(out.getvalue().strip())


def _restore(path: Path, *flags: str) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *flags, stdout=out)
    return out.getvalue()


def test_backup_then_restore_gives_back_the_same_rows_and_search(data_dir, newsroom):
    rows, counts = article_rows(), table_row_counts()
    path = _backup()
    Article.objects.filter(pk=newsroom[0].pk).delete()
    make_article(make_publisher(), title="Written after the backup")
    version = content_version()

    said = _restore(path, "--force")

    assert article_rows() == rows
    assert table_row_counts() == counts
    assert [a.pk for a in article_search("zeppelin")] == [newsroom[0].pk]
    assert [a.pk for a in article_search("cafe")] == [newsroom[2].pk]
    assert article_search("written after") == []
    assert content_version() > version  # no cached page of the replaced data is served again
    saved = Path(said.split("saved in ")[1].split()[0])
    assert saved.parent == data_dir / "backups"
    assert saved.name.startswith("pre-restore-")
    assert BackupArchive(saved).manifest.tables["articles_article"] == len(rows)


def test_backup_writes_a_private_timestamped_archive_with_manifest_and_key(data_dir, newsroom):
    path = _backup()

    assert path.parent == data_dir / "backups"
    assert path.name.startswith("newsdesk-")
    assert path.suffixes == [".tar", ".gz"]
    assert path.stat().st_mode & 0o777 == 0o600
    with tarfile.open(path) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
        key = tar.extractfile("secret_key").read().decode()
    assert names == ["manifest.json", archive.DATABASE_MEMBERS[connection.vendor], "secret_key"]
    assert manifest["format"] == "newsdesk-backup"
    assert manifest["format_version"] == 1
    assert manifest["vendor"] == connection.vendor
    assert manifest["tables"]["articles_article"] == len(newsroom)
    assert "0001_initial" in manifest["migrations"]["articles"]
    assert manifest["created_at"].endswith("+00:00")
    assert key == KEY


def test_restore_into_an_empty_database_needs_no_force_and_brings_the_key_back(data_dir, newsroom):
    rows = article_rows()
    path = _backup(data_dir / "elsewhere" / "b.tar.gz")
    call_command("flush", interactive=False)
    secret_key_path(data_dir).write_text("a-key-made-after-the-backup")

    said = _restore(path)

    assert article_rows() == rows
    assert secret_key_read(data_dir=data_dir) == KEY
    assert "secret key file restored" in said
    assert "saved in" not in said


def test_restore_refuses_to_replace_data_without_force(data_dir, newsroom):
    path = _backup()
    extra = make_article(make_publisher(), title="Not in the backup")

    with pytest.raises(CommandError) as refused:
        _restore(path)

    assert str(refused.value) == services.HOLDS_DATA
    assert Article.objects.filter(pk=extra.pk).exists()


def _damaged_copies(good: Path, tmp: Path) -> dict[str, tuple[Path, str]]:
    garbage = tmp / "garbage.tar.gz"
    garbage.write_bytes(b"this is not an archive\n" * 10)
    truncated = tmp / "truncated.tar.gz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    plain = tmp / "plain.tar.gz"
    with tarfile.open(plain, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("notes.txt"), io.BytesIO(b""))
    return {
        "not an archive": (garbage, "is not a newsdesk backup (not a readable tar.gz archive"),
        "cut in half": (truncated, "is damaged: "),
        "another tar.gz": (plain, "is not a newsdesk backup (it has no readable manifest.json)"),
        "missing file": (tmp / "nowhere.tar.gz", "no backup at "),
    }


@pytest.mark.parametrize("damage", ["not an archive", "cut in half", "another tar.gz", "missing file"])
def test_a_damaged_archive_is_one_line_and_changes_nothing(data_dir, newsroom, tmp_path, damage):
    good = _backup()
    Article.objects.filter(pk=newsroom[1].pk).delete()
    rows = article_rows()
    path, message = _damaged_copies(good, tmp_path)[damage]

    with pytest.raises(CommandError) as refused:
        _restore(path, "--force")

    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert article_rows() == rows
    assert not list((data_dir / "backups").glob("pre-restore-*"))


def _forged(tmp_path: Path, **changes) -> Path:
    """A well-formed archive whose manifest says something this install must refuse."""
    database = tmp_path / "db"
    database.write_bytes(b"")
    fields = {"vendor": connection.vendor, "created_at": "2026-01-01T00:00:00+00:00", "newsdesk_version": "0.1.0"}
    fields |= {"migrations": {}, "tables": {}, "secret_key": False, **changes}
    path = tmp_path / "forged.tar.gz"
    archive_write(path=path, manifest=Manifest(**fields), database=database, secret_key=None)
    return path


def test_a_backup_of_the_other_database_vendor_is_refused(data_dir, newsroom, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    with pytest.raises(CommandError) as refused:
        _restore(_forged(tmp_path, vendor=other), "--force")

    assert str(refused.value).endswith(
        f"is a backup of a {other} database and this install uses {connection.vendor}: restore it into a {other} "
        "database, then move with `newsdesk db copy`"
    )


def test_a_backup_from_a_newer_schema_is_refused(data_dir, newsroom, tmp_path):
    with pytest.raises(CommandError) as refused:
        _restore(_forged(tmp_path, migrations={"articles": ["0001_initial", "0099_from_the_future"]}), "--force")

    assert "was made by a newer newsdesk (migrations unknown here: articles.0099_from_the_future)" in str(refused.value)
    assert Article.objects.count() == len(newsroom)


def test_a_manifest_of_a_newer_format_is_refused(data_dir, tmp_path):
    path = tmp_path / "future.tar.gz"
    manifest = json.dumps({"format": "newsdesk-backup", "format_version": 2}).encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))

    with pytest.raises(CommandError) as refused:
        _restore(path)

    assert str(refused.value) == archive.NEWER_FORMAT.format(path=path, version=2, supported=1)


def _swapped(good: Path, tmp_path: Path, *, damage) -> Path:
    """`good` with its database member and manifest changed by `damage(database_path, manifest_dict)`."""
    with tarfile.open(good) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        member = archive.DATABASE_MEMBERS[manifest["vendor"]]
        database = tmp_path / member
        database.write_bytes(tar.extractfile(member).read())
    damage(database, manifest)
    manifest["secret_key"] = False
    path = tmp_path / "swapped.tar.gz"
    archive_write(path=path, manifest=Manifest(**manifest), database=database, secret_key=None)
    return path


def _cut_dump(database: Path, manifest: dict) -> None:
    database.write_bytes(database.read_bytes()[:100])


def _count_one_more(database: Path, manifest: dict) -> None:
    manifest["tables"]["articles_article"] += 1


def test_a_damaged_database_inside_a_good_archive_is_refused(data_dir, newsroom, tmp_path):
    """A dump pg_restore cannot list; an SQLite file whose rows are not those its manifest counted."""
    damage = _count_one_more if connection.vendor == "sqlite" else _cut_dump
    path = _swapped(_backup(), tmp_path, damage=damage)
    Article.objects.filter(pk=newsroom[3].pk).delete()

    with pytest.raises(CommandError) as refused:
        _restore(path, "--force")

    if connection.vendor == "sqlite":
        assert str(refused.value) == services.COUNTS_DIFFER.format(path=path, table="articles_article")
    else:
        assert str(refused.value).startswith(f"{path} (database.pgdump) is not a readable PostgreSQL dump (")
    assert Article.objects.count() == len(newsroom) - 1


def test_the_commands_run_as_processes_and_fail_in_one_line(data_dir, newsroom, tmp_path):
    env = child_env(NEWSDESK_DATA_DIR=str(data_dir))
    output = tmp_path / "process.tar.gz"
    made = subprocess.run(
        python_argv("-m", "newsdesk", "backup", "--output", str(output)),
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == str(output)
    assert BackupArchive(output).manifest.tables["articles_article"] == len(newsroom)

    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(gzip.compress(b"not a tar"))
    refused = subprocess.run(
        python_argv("-m", "newsdesk", "restore", str(broken), "--force"),
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        f"CommandError: {broken} is not a newsdesk backup (not a readable tar.gz archive: truncated header)"
    ]
    assert Article.objects.count() == len(newsroom)


def test_a_backup_taken_while_a_worker_writes_is_one_snapshot(data_dir, newsroom):
    """A writer commits pairs of articles (one transaction each) during the backup: the restored database holds
    whole pairs only, and exactly the rows its manifest counted."""
    publisher = make_publisher(name="Busy Wire")
    stop, written = threading.Event(), []

    def writer():
        try:
            while not stop.is_set() and len(written) < 2000:
                n = len(written)
                with transaction.atomic():
                    make_article(publisher, title=f"pair {n} first")
                    make_article(publisher, title=f"pair {n} second")
                written.append(n)
        finally:
            db_connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:  # the backup starts while pairs are being committed
            time.sleep(0.01)
        path = _backup()
    finally:
        stop.set()
        thread.join()
    manifest = BackupArchive(path).manifest

    _restore(path, "--force")

    titles = Counter(t.split()[1] for t in Article.objects.filter(publisher=publisher).values_list("title", flat=True))
    assert titles
    assert set(titles.values()) == {2}
    assert table_row_counts() == manifest.tables
    assert 20 <= len(titles) <= len(written)


@pytest.fixture
def new_database(tmp_path):
    """The URL of a database that does not exist yet (SQLite: no file) or is empty (PostgreSQL: created here, with
    no tables and no extension), as on a new server after a disaster."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'new-host' / 'newsdesk.sqlite3'}"
        return
    name = f"newsdesk_restore_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        yield current_database_url().rsplit("/", 1)[0] + f"/{name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_backup_restores_onto_a_new_host_without_migrate(data_dir, newsroom, tmp_path, new_database):
    rows = list(Article.objects.order_by("pk").values_list("pk", "title", "created_at"))
    path = _backup()
    new_data_dir = tmp_path / "new-host"
    new_data_dir.mkdir()

    restored = subprocess.run(
        python_argv("-m", "newsdesk", "restore", str(path)),
        cwd=REPO, env=child_env(NEWSDESK_DATABASE_URL=new_database, NEWSDESK_DATA_DIR=str(new_data_dir)),
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip

    assert restored.returncode == 0, restored.stderr
    assert "run `newsdesk migrate`" not in restored.stdout
    assert secret_key_read(data_dir=new_data_dir) == KEY
    with database_alias(new_database) as alias:
        assert list(Article.objects.using(alias).order_by("pk").values_list("pk", "title", "created_at")) == rows
