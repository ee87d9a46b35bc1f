"""One reader thread per camera: drain the source at its native rate, keep only the newest
picture (so what we publish never lags), reconnect with backoff after failures."""

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ingest import metrics
from ingest.backoff import Backoff, BackoffPolicy
from ingest.errors import SourceError
from ingest.sources import Source, make_source

log = logging.getLogger(__name__)
FPS_WINDOW_S = 3.0


@dataclass(frozen=True, slots=True)
class Grabbed:
    """A picture as the reader got it: ``captured_ms`` is wall-clock epoch ms, ``number``
    counts pictures since the reader started (consumers use it to spot a new one)."""

    image: np.ndarray
    captured_ms: int
    monotonic: float
    number: int


@dataclass(frozen=True, slots=True)
class Transition:
    """The reader connected (``online``) or lost the stream (``offline`` with a reason)."""

    state: str
    reason: str
    at_ms: int


@dataclass(frozen=True, slots=True)
class ReaderStats:
    frames_read: int
    reconnects: int
    connected: bool
    last_frame_monotonic: float | None
    fps: float
    nominal_fps: float | None


class CameraReader:
    """Owns one camera's source on a daemon thread; everything it exposes is thread-safe."""

    def __init__(
        self,
        camera_id: str,
        url: str,
        *,
        backoff: BackoffPolicy | None = None,
        source_factory: Callable[[str], Source] = make_source,
    ) -> None:
        self.camera_id = camera_id
        self.url = url
        self._backoff = Backoff(backoff)
        self._factory = source_factory
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._latest: Grabbed | None = None
        self._frames = 0
        self._reconnects = 0
        self._connected = False
        self._nominal: float | None = None
        self._times: deque[float] = deque()
        self._transitions: deque[Transition] = deque(maxlen=64)
        self._last_reason = ""  # of the last failure, to log each new reason once
        self._thread = threading.Thread(target=self._run, name=f"reader-{camera_id}", daemon=True)
        self._log = logging.LoggerAdapter(log, {"camera_id": camera_id})

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 8.0) -> bool:
        """Ask the thread to end and wait for it; False if a blocked read outlived the timeout."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def latest(self) -> Grabbed | None:
        with self._lock:
            return self._latest

    def drain_transitions(self) -> list[Transition]:
        with self._lock:
            items = list(self._transitions)
            self._transitions.clear()
            return items

    def stats(self) -> ReaderStats:
        now = time.monotonic()
        with self._lock:
            times = [t for t in self._times if now - t <= FPS_WINDOW_S]
            fps = (len(times) - 1) / (times[-1] - times[0]) if len(times) >= 2 and times[-1] > times[0] else 0.0
            last = self._latest.monotonic if self._latest else None
            return ReaderStats(self._frames, self._reconnects, self._connected, last, fps, self._nominal)

    def _note(self, state: str, reason: str = "") -> None:
        with self._lock:
            self._connected = state == "online"
            self._transitions.append(Transition(state, reason, int(time.time() * 1000)))
        metrics.CAMERA_ONLINE.labels(self.camera_id).set(1 if state == "online" else 0)

    def _store(self, image: np.ndarray) -> None:
        now = time.monotonic()
        with self._lock:
            self._frames += 1
            self._latest = Grabbed(image, int(time.time() * 1000), now, self._frames)
            self._times.append(now)
            while self._times and now - self._times[0] > FPS_WINDOW_S:
                self._times.popleft()
        metrics.FRAMES_READ.labels(self.camera_id).inc()

    def _run(self) -> None:
        attempts = 0
        while not self._stop.is_set():
            if attempts:
                with self._lock:
                    self._reconnects += 1
                metrics.RECONNECTS.labels(self.camera_id).inc()
            attempts += 1
            try:
                self._session()
            except SourceError as exc:
                # Say it once per new reason; the retries behind a dead camera are not news.
                level = logging.WARNING if exc.reason != self._last_reason else logging.DEBUG
                self._last_reason = exc.reason
                self._note("offline", str(exc))
                self._log.log(level, "camera %s: %s", self.camera_id, exc)
                if exc.permanent:
                    self._stop.wait()  # nothing to retry until the site changes the URL
                    return
            except Exception as exc:  # a broken driver must not end the reader
                self._last_reason = ""
                self._note("offline", f"unexpected error: {type(exc).__name__}")
                self._log.exception("camera %s: unexpected error while reading", self.camera_id)
            self._stop.wait(self._backoff.next_delay())

    def _session(self) -> None:
        """Open the source and read until it fails or we are stopped."""
        source = self._factory(self.url)
        try:
            source.open()
            with self._lock:
                self._nominal = source.nominal_fps
            self._note("online")
            self._last_reason = ""
            self._log.info("camera %s: connected", self.camera_id)
            first = True
            while not self._stop.is_set():
                self._store(source.read())
                if first:
                    self._backoff.reset()
                    first = False
        finally:
            source.close()
