"""The camera source interface: open, grab and retrieve pictures, close.

Readers call :meth:`Source.grab` for every picture on their own thread, so the stream never
falls behind, and :meth:`Source.retrieve` only for the pictures they hand on, so the others
are never converted. A source raises :class:`~ingest.errors.SourceError` with a short reason
when the stream fails. Sources that are not live (files, synthetic) pace themselves so they
behave like a camera.
"""

import abc
import time

import numpy as np

from ingest.errors import SourceError
from ingest.picture import Picture

__all__ = ["Pacer", "Source", "SourceError", "redact"]


def redact(url: str) -> str:
    """``url`` without its password, for logs and status reasons (RTSP URLs often carry one)."""
    scheme, sep, rest = url.partition("://")
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if not sep or "@" not in authority:
        return url
    creds, _, host = authority.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}{tail}"


class Source(abc.ABC):
    """One camera stream. Not thread-safe: one reader thread owns it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._held: Picture | None = None

    @abc.abstractmethod
    def open(self) -> None:
        """Connect; raise SourceError("cannot connect" / "file not found" / ...) on failure."""

    @abc.abstractmethod
    def read(self) -> np.ndarray:
        """Block until the next picture (BGR uint8); raise SourceError when the stream fails."""

    def grab(self) -> None:
        """Block until the next picture and take it in, converting as little as the stream
        allows; raise SourceError when the stream fails. By default it reads the picture whole."""
        self._held = self.read()

    def retrieve(self) -> Picture:
        """The picture the last :meth:`grab` took in: BGR, or the camera's own JPEG when the
        stream carries JPEG. CorruptPicture when that one picture is unusable."""
        if self._held is None:
            raise SourceError("not open", f"{redact(self.url)}: retrieve() before grab()")
        return self._held

    @abc.abstractmethod
    def close(self) -> None:
        """Release the stream; safe to call twice or after a failed open."""

    @property
    def nominal_fps(self) -> float | None:
        """The rate the stream claims, when it says (None when unknown or implausible)."""
        return None

    def __enter__(self) -> "Source":
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Pacer:
    """Release one tick every 1/fps seconds of wall time, skipping ahead after a long stall
    instead of bursting to catch up (a camera never sends a backlog)."""

    def __init__(self, fps: float) -> None:
        self.interval = 1.0 / fps
        self._next = time.monotonic()

    def wait(self) -> None:
        now = time.monotonic()
        if self._next > now:
            time.sleep(self._next - now)
            self._next += self.interval
        else:
            self._next = now + self.interval
