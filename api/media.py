"""Evidence files in a local directory, each with its SHA-256 so tampering is detectable."""

import hashlib
import os
import re
import uuid
from pathlib import Path

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PHOTO_TYPES = {b"\xff\xd8\xff": ("jpg", "image/jpeg"), b"\x89PNG\r\n\x1a\n": ("png", "image/png")}


def photo_type(data: bytes) -> tuple[str, str] | None:
    """(extension, media type) of a JPEG or PNG by its magic bytes; None for anything else."""
    return next((kind for magic, kind in PHOTO_TYPES.items() if data.startswith(magic)), None)


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        (self.root / "snapshots").mkdir(parents=True, exist_ok=True)
        (self.root / "rectifications").mkdir(parents=True, exist_ok=True)
        (self.root / "clips").mkdir(parents=True, exist_ok=True)

    def save_snapshot(self, event_id: str, jpeg: bytes) -> tuple[str, str]:
        """Write the snapshot atomically (same name for a replayed event); return (path, sha256)."""
        rel = self.snapshot_name(event_id)
        digest = hashlib.sha256(jpeg).hexdigest()
        if not (self.root / rel).exists():
            self._write(rel, jpeg)
        return rel, digest

    def save_photo(self, event_id: str, data: bytes, ext: str) -> tuple[str, str]:
        """Store a rectification photo under a fresh name; return (path, sha256)."""
        if not _SAFE_ID.match(event_id) or ext not in ("jpg", "png"):
            raise ValueError(f"unsafe photo name {event_id!r}.{ext!r}")
        rel = f"rectifications/{event_id}-{uuid.uuid4().hex[:12]}.{ext}"
        self._write(rel, data)
        return rel, hashlib.sha256(data).hexdigest()

    def save_clip(self, event_id: str, webm: bytes) -> tuple[str, str]:
        """Store an incident's evidence clip; return (path, sha256)."""
        if not _SAFE_ID.match(event_id):
            raise ValueError(f"unsafe event id {event_id!r}")
        rel = f"clips/{event_id}.webm"
        self._write(rel, webm)
        return rel, hashlib.sha256(webm).hexdigest()

    def _write(self, rel: str, data: bytes) -> None:
        target = self.root / rel
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)

    @staticmethod
    def snapshot_name(event_id: str) -> str:
        if not _SAFE_ID.match(event_id):
            raise ValueError(f"unsafe event id {event_id!r}")
        return f"snapshots/{event_id}.jpg"

    def resolve(self, rel: str) -> Path | None:
        """The file for a stored relative path, or None if it escapes the store or is missing."""
        path = (self.root / rel).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path
