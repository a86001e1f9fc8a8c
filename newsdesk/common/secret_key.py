"""The Django secret key file in the data dir, created only by an explicit step (settings read it).

Settings only read (importing them must not write files); `newsdesk init`, `make install` and `newsdesk demo`
create the data dir and its key file.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_FILE_NAME = "secret_key"
SECRET_KEY_MISSING = "no secret key: set NEWSDESK_SECRET_KEY or run `newsdesk init` to create {path}"  # noqa: S105  (a message, not a key)


def secret_key_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_FILE_NAME


def secret_key_read(*, data_dir: Path) -> str:
    """The key file in the data dir, else "" (never written here). Settings prefer NEWSDESK_SECRET_KEY."""
    try:
        return secret_key_path(data_dir).read_text().strip()
    except (FileNotFoundError, NotADirectoryError):
        return ""


def secret_key_create(*, data_dir: Path) -> tuple[Path, bool]:
    """Create the data dir and a random key file readable by its owner only; keep an existing one.

    Returns the key file's path and whether it was created now.
    """
    path = secret_key_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return path, False
    # Written aside, then linked into place: a reader never sees a half-written key, and link() refuses to
    # replace a key another process created meanwhile.
    draft = path.with_name(f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(secrets.token_urlsafe(50))
        os.link(draft, path)
    except FileExistsError:
        return path, False
    finally:
        draft.unlink()
    return path, True


def secret_key_is_set() -> bool:
    """Whether the loaded settings have a key (Django raises on reading an empty SECRET_KEY)."""
    try:
        return bool(settings.SECRET_KEY)
    except ImproperlyConfigured:
        return False


def secret_key_require() -> None:
    """Refuse to serve without a key, in one line that says how to get one."""
    if not secret_key_is_set():
        raise ImproperlyConfigured(SECRET_KEY_MISSING.format(path=secret_key_path(settings.DATA_DIR)))


def secret_key_replace(*, data_dir: Path, key: str) -> bool:
    """Make `key` the data dir's key file (a restore brings back the key its sessions and tokens were signed
    with); returns whether the file changed. Written aside and renamed, so a reader never sees half a key."""
    path = secret_key_path(data_dir)
    if secret_key_read(data_dir=data_dir) == key:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(key)
        os.replace(draft, path)
    finally:
        draft.unlink(missing_ok=True)
    return True
