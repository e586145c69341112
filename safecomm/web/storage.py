"""The data folder's files: blobs by SHA-256, papers by cache key, bundle folders per job.

Every write goes to a temporary file in the same folder, is flushed to disk, then renamed into
place, so a reader (or a server killed half way) sees the whole file or none of it. A blob's name
is its hash, so writing the same bytes twice is harmless and two uploads never collide."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings


def data() -> Path:
    return Path(settings.DATA)


def folder(name: str) -> Path:
    path = data() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_atomic(target: Path, chunks) -> None:
    """Write `chunks` (bytes, or an iterable of bytes) to `target` whole or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as f:
            for chunk in ([chunks] if isinstance(chunks, bytes) else chunks):
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def blob_path(sha: str) -> Path:
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise ValueError("not a SHA-256")
    return data() / "blobs" / sha[:2] / sha


def put_blob(raw: bytes) -> str:
    """Keep `raw` under its SHA-256; the hash."""
    sha = hashlib.sha256(raw).hexdigest()
    path = blob_path(sha)
    if not path.exists():
        write_atomic(path, raw)
    return sha


def read_blob(sha: str) -> bytes:
    return blob_path(sha).read_bytes()


def build_bundle(files: dict[str, str], into: Path) -> Path:
    """Lay out a version's bundle (path → blob hash) in the empty folder `into`: hard links to
    the blobs where the file system allows, copies otherwise. The paths were checked on upload."""
    for rel, sha in files.items():
        target = into / rel
        if not target.resolve().is_relative_to(into.resolve()):
            raise ValueError(f"path outside the bundle: {rel}")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(blob_path(sha), target)
        except OSError:
            shutil.copyfile(blob_path(sha), target)
    return into


def scratch(prefix: str) -> Path:
    """A fresh folder under the data folder's tmp/ (same file system as the store)."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=folder("tmp")))
