"""One reader thread per camera: drain the source at its native rate, retrieve only the pictures
due at the sample rate (so the others are never converted), hand each one on at once (so what we
publish never lags), reconnect with backoff after failures."""

import contextlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from ingest import metrics
from ingest.backoff import Backoff, BackoffPolicy
from ingest.errors import CorruptPicture, SourceError
from ingest.picture import Picture
from ingest.sampler import RateSampler
from ingest.sources import Source, make_source

log = logging.getLogger(__name__)
FPS_WINDOW_S = 3.0
CORRUPT_LIMIT = 25  # unusable pictures in a row before the stream counts as broken
CORRUPT_LOG_S = 60.0  # at most one warning about unusable pictures per camera this often


@dataclass(frozen=True, slots=True)
class Grabbed:
    """A picture as the reader got it (BGR, or the camera's own JPEG): ``captured_ms`` is
    wall-clock epoch ms, ``number`` counts pictures since the reader started (consumers use it to
    spot a new one)."""

    image: Picture
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
    """Owns one camera's source on a daemon thread; everything it exposes is thread-safe.

    Every picture is grabbed; ``sample_fps`` of them a second (all when None) are retrieved,
    kept as :meth:`latest` and passed to ``on_sample`` on the reader thread, which must not
    wait for anything (it may encode). ``nice`` lowers the thread's scheduling priority."""

    def __init__(
        self,
        camera_id: str,
        url: str,
        *,
        backoff: BackoffPolicy | None = None,
        source_factory: Callable[[str], Source] = make_source,
        sample_fps: float | None = None,
        on_sample: Callable[[Grabbed], None] | None = None,
        nice: int = 0,
    ) -> None:
        self.camera_id = camera_id
        self.url = url
        self._backoff = Backoff(backoff)
        self._factory = source_factory
        self._sample_fps = sample_fps
        self._on_sample = on_sample
        self._nice = nice
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._latest: Grabbed | None = None
        self._last_frame: float | None = None  # monotonic time of the newest grab
        self._frames = 0
        self._reconnects = 0
        self._connected = False
        self._nominal: float | None = None
        self._times: deque[float] = deque()
        self._transitions: deque[Transition] = deque(maxlen=64)
        self._last_reason = ""  # of the last failure, to log each new reason once
        self._corrupt_logged = -CORRUPT_LOG_S
        self._sample_error = ""  # of the last failing on_sample, to log each new error once
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
            return ReaderStats(self._frames, self._reconnects, self._connected, self._last_frame, fps, self._nominal)

    def _note(self, state: str, reason: str = "") -> None:
        with self._lock:
            self._connected = state == "online"
            self._transitions.append(Transition(state, reason, int(time.time() * 1000)))
        metrics.CAMERA_ONLINE.labels(self.camera_id).set(1 if state == "online" else 0)

    def _count(self, now: float) -> int:
        """Note one grabbed picture; its number."""
        with self._lock:
            self._frames += 1
            self._last_frame = now
            self._times.append(now)
            while now - self._times[0] > FPS_WINDOW_S:
                self._times.popleft()
            return self._frames

    def _hand_on(self, grabbed: Grabbed) -> None:
        with self._lock:
            self._latest = grabbed
        if self._on_sample is None:
            return
        try:
            self._on_sample(grabbed)
            self._sample_error = ""
        except CorruptPicture:
            raise
        except Exception as exc:  # a failing consumer must not drop the camera
            error = f"{type(exc).__name__}: {exc}"
            if error != self._sample_error:
                self._log.exception("camera %s: handing on a picture failed", self.camera_id)
            self._sample_error = error

    def _unusable(self, exc: CorruptPicture, in_a_row: int) -> None:
        """Count a picture that could not be used; too many in a row and the stream is broken."""
        metrics.FRAMES_CORRUPT.labels(self.camera_id).inc()
        if in_a_row >= CORRUPT_LIMIT:
            raise SourceError("not a video stream", f"{in_a_row} unusable pictures in a row, the last: {exc}")
        now = time.monotonic()
        if now - self._corrupt_logged >= CORRUPT_LOG_S:
            self._corrupt_logged = now
            self._log.warning("camera %s: skipped an unusable picture: %s", self.camera_id, exc)

    def _run(self) -> None:
        if self._nice:
            # Linux schedules threads one by one: a reader that yields the core keeps the event
            # loop, which publishes every camera's frames, from being starved by the codec work.
            with contextlib.suppress(OSError, AttributeError):
                tid = threading.get_native_id()
                os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + self._nice)
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
            sampler = RateSampler(self._sample_fps) if self._sample_fps else None
            read = metrics.FRAMES_READ.labels(self.camera_id)
            first, corrupt = True, 0
            while not self._stop.is_set():
                source.grab()
                now = time.monotonic()
                number = self._count(now)
                read.inc()
                if first:
                    self._backoff.reset()
                    first = False
                if sampler is not None and not sampler.due(now):
                    continue  # drained, never converted
                captured_ms = int(time.time() * 1000)
                try:
                    self._hand_on(Grabbed(source.retrieve(), captured_ms, now, number))
                except CorruptPicture as exc:
                    corrupt += 1
                    self._unusable(exc, corrupt)
                    continue
                corrupt = 0
        finally:
            source.close()
