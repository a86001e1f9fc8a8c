"""The backup archive: one tar.gz holding `manifest.json`, the database and, when there is one, the secret key file.

Only the members named here are ever read, one by one, into files this code names itself: an archive cannot
write anywhere else (no `extractall`, so no path traversal), and anything else it holds is ignored.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

FORMAT = "newsdesk-backup"
FORMAT_VERSION = 1
MANIFEST_MEMBER = "manifest.json"
SECRET_KEY_MEMBER = "secret_key"  # noqa: S105 - a member name, not a key
# The database member is named after its vendor, so a glance at `tar tzf` says what is inside.
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}

NOT_FOUND = "no backup at {path}"
NOT_AN_ARCHIVE = "{path} is not a newsdesk backup (not a readable tar.gz archive: {reason})"
NO_MANIFEST = "{path} is not a newsdesk backup (it has no readable {member})"
WRONG_FORMAT = "{path} is not a newsdesk backup (its manifest is not a {format} manifest)"
NEWER_FORMAT = "{path} is a backup of format {version}, newer than this newsdesk reads ({supported}): upgrade first"
MISSING_MEMBER = "{path} is damaged: it lacks {member}"
DAMAGED_MEMBER = "{path} is damaged: {member} cannot be read ({reason})"


class BackupError(Exception):
    """A backup, restore or copy refused or failed; the message is one line that says what to do."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds and what it was made from."""

    vendor: str
    created_at: str
    newsdesk_version: str
    # {app_label: [applied migration names]}: the schema the database was at.
    migrations: dict[str, list[str]]
    # {table: rows} counted in the same snapshot as the dump: a restore checks its result against them.
    tables: dict[str, int]
    secret_key: bool
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBERS[self.vendor]

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes, *, path: Path) -> Manifest:
        try:
            raw = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise BackupError(NO_MANIFEST.format(path=path, member=MANIFEST_MEMBER)) from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise BackupError(WRONG_FORMAT.format(path=path, format=FORMAT))
        version = raw.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise BackupError(NEWER_FORMAT.format(path=path, version=version, supported=FORMAT_VERSION))
        try:
            manifest = cls(**{name: raw[name] for name in cls.__dataclass_fields__ if name in raw})
        except TypeError:
            raise BackupError(WRONG_FORMAT.format(path=path, format=FORMAT)) from None
        if manifest.vendor not in DATABASE_MEMBERS:
            raise BackupError(WRONG_FORMAT.format(path=path, format=FORMAT))
        return manifest


def archive_write(*, path: Path, manifest: Manifest, database: Path, secret_key: Path | None) -> None:
    """Write the archive next to `path` and move it into place: a half-written backup never has the final name.

    The archive holds the secret key and every account's password hash, so only its owner may read it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, draft_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    draft = Path(draft_name)
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            _add_bytes(tar, MANIFEST_MEMBER, manifest.to_json())
            tar.add(database, arcname=manifest.database_member, recursive=False, filter=_private)
            if secret_key is not None:
                tar.add(secret_key, arcname=SECRET_KEY_MEMBER, recursive=False, filter=_private)
        os.replace(draft, path)
    except BaseException:
        draft.unlink(missing_ok=True)
        raise


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = _private(tarfile.TarInfo(name))
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


class BackupArchive:
    """A backup archive opened for reading; its manifest is read and checked on opening."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise BackupError(NOT_FOUND.format(path=self.path))
        try:
            self._tar = tarfile.open(self.path, mode="r:gz")  # noqa: SIM115 - closed by __exit__
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(NOT_AN_ARCHIVE.format(path=self.path, reason=_reason(error))) from None
        try:
            self.manifest = Manifest.from_json(self._member_bytes(MANIFEST_MEMBER, missing=NO_MANIFEST), path=self.path)
        except BaseException:
            self._tar.close()
            raise

    def __enter__(self) -> BackupArchive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._tar.close()

    def has_secret_key(self) -> bool:
        return self.manifest.secret_key

    def secret_key(self) -> str:
        return self._member_bytes(SECRET_KEY_MEMBER).decode().strip()

    def extract_database(self, destination: Path) -> None:
        """Copy the database member into `destination` (a file the caller created and owns)."""
        member = self.manifest.database_member
        source = self._open_member(member)
        try:
            with source, open(destination, "wb") as target:
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(DAMAGED_MEMBER.format(path=self.path, member=member, reason=_reason(error))) from None

    def _member_bytes(self, name: str, *, missing: str = MISSING_MEMBER) -> bytes:
        member = self._open_member(name, missing=missing)
        try:
            with member:
                return member.read()
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(DAMAGED_MEMBER.format(path=self.path, member=name, reason=_reason(error))) from None

    def _open_member(self, name: str, *, missing: str = MISSING_MEMBER) -> io.BufferedReader:
        try:
            info = self._tar.getmember(name)
            reader = self._tar.extractfile(info) if info.isfile() else None
        except KeyError:
            reader = None
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(DAMAGED_MEMBER.format(path=self.path, member=name, reason=_reason(error))) from None
        if reader is None:
            raise BackupError(missing.format(path=self.path, member=name))
        return reader


def _reason(error: BaseException) -> str:
    """The library's message on one line (gzip and tarfile errors are short, but may be empty)."""
    text = " ".join(str(error).split())
    return text or type(error).__name__
