"""Evidence files in a local directory, named by event id, each with its SHA-256."""

import hashlib
import os
import re
from pathlib import Path

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        (self.root / "snapshots").mkdir(parents=True, exist_ok=True)

    def save_snapshot(self, event_id: str, jpeg: bytes) -> tuple[str, str]:
        """Write the snapshot atomically (same name for a replayed event); return (path, sha256)."""
        rel = self.snapshot_name(event_id)
        target = self.root / rel
        digest = hashlib.sha256(jpeg).hexdigest()
        if not target.exists():
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(jpeg)
            os.replace(tmp, target)
        return rel, digest

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
