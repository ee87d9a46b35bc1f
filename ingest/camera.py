"""One camera inside the ingest service: its reader thread, which samples pictures at detect
rate and encodes them where they were read, the sender that publishes frames, and its status.

A camera's failures stay inside its worker: every loop catches and logs, so a bad camera never
disturbs another one or the process.
"""

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from core.bus import Publisher
from core.contracts import CameraStatus, Frame
from core.settings import Settings
from core.topics import CAMERA_STATUS
from ingest import metrics
from ingest.encode import frame_jpeg, passes_through
from ingest.latest import DropOldestQueue
from ingest.options import IngestOptions
from ingest.reader import CameraReader, Grabbed
from ingest.sources import Source, make_source
from ingest.status import StatusTracker

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Encoded:
    """A sampled picture ready to publish: its JPEG, size and capture time; ``passthrough``
    when the JPEG is the camera's own."""

    jpeg: bytes
    width: int
    height: int
    captured_ms: int
    passthrough: bool


class CameraWorker:
    """Runs one camera until :meth:`stop`. ``seq`` is shared with the service so sequence
    numbers keep increasing when a camera is restarted with a new URL."""

    def __init__(
        self,
        camera_id: str,
        school_id: str,
        url: str,
        *,
        settings: Settings,
        options: IngestOptions,
        publisher: Publisher,
        seq: "itertools.count[int]",
        source_factory: Callable[[str], Source] = make_source,
    ) -> None:
        self.camera_id = camera_id
        self.school_id = school_id
        self.url = url
        self._settings = settings
        self._options = options
        self._publisher = publisher
        self._seq = seq
        self.partition: int | None = None  # the frame partition (core.placement), set by the fleet
        self.reader = CameraReader(
            camera_id,
            url,
            backoff=options.backoff,
            source_factory=source_factory,
            sample_fps=settings.detect_fps,
            on_sample=self._encode,
            nice=options.reader_nice,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self.tracker = StatusTracker(camera_id, school_id, stall_s=options.stall_s)
        self.queue: DropOldestQueue[Encoded] = DropOldestQueue(options.queue_size)
        self._tasks: list[asyncio.Task[None]] = []
        self._log = logging.LoggerAdapter(log, {"camera_id": camera_id})

    def start(self) -> None:
        metrics.init_camera(self.camera_id)
        self._loop = asyncio.get_running_loop()
        self.reader.start()
        self._tasks = [
            asyncio.create_task(self._guard(self._send), name=f"send-{self.camera_id}"),
            asyncio.create_task(self._guard(self._monitor), name=f"status-{self.camera_id}"),
        ]

    async def stop(self, final_reason: str | None = None) -> None:
        """Cancel the loops, join the reader thread, and optionally publish a last offline status."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if not await asyncio.to_thread(self.reader.stop, self._options.reader_join_s):
            self._log.warning("camera %s: reader thread still blocked after stop", self.camera_id)
        if final_reason is not None:
            now_ms = int(time.time() * 1000)
            await self._publish_status(
                CameraStatus(
                    camera_id=self.camera_id,
                    school_id=self.school_id,
                    state="offline",
                    reason=final_reason,
                    since_ms=now_ms,
                    fps=0.0,
                    reported_ms=now_ms,
                )
            )

    async def _guard(self, loop_fn: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Restart a loop that failed unexpectedly (after a pause) instead of losing the camera."""
        while True:
            try:
                await loop_fn()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                self._log.exception("camera %s: %s failed; restarting it", self.camera_id, loop_fn.__name__)
                await asyncio.sleep(1.0)

    def _encode(self, grabbed: Grabbed) -> None:
        """On the reader thread, for each sampled picture: its JPEG (the camera's own when it
        fits), queued for the sender without waiting (the oldest is dropped when full)."""
        width = self._settings.detect_width
        jpeg, w, h = frame_jpeg(grabbed.image, width, self._settings.jpeg_quality)
        encoded = Encoded(jpeg, w, h, grabbed.captured_ms, passes_through(grabbed.image, width))
        assert self._loop is not None, "start() sets the loop before the reader runs"
        if not self.queue.put_threadsafe(encoded, self._loop):
            metrics.FRAMES_DROPPED.labels(self.camera_id).inc()

    async def _send(self) -> None:
        published = metrics.FRAMES_PUBLISHED.labels(self.camera_id)
        passthrough = metrics.FRAMES_PASSTHROUGH.labels(self.camera_id)
        latency = metrics.PUBLISH_LATENCY.labels(self.camera_id)
        failing = False
        while True:
            encoded = await self.queue.get()
            jpeg, w, h, captured_ms = encoded.jpeg, encoded.width, encoded.height, encoded.captured_ms
            frame = Frame(self.camera_id, self.school_id, captured_ms, next(self._seq), w, h, jpeg)
            try:
                await self._publisher.publish(
                    self._settings.frame_topics.topic_for(frame.captured_ms), frame.jpeg, key=frame.key,
                    headers=frame.headers(), timestamp_ms=frame.captured_ms, partition=self.partition,
                )
            except Exception as exc:
                if not failing:
                    self._log.warning("camera %s: publishing frames failed: %s", self.camera_id, exc)
                failing = True
                continue
            failing = False
            published.inc()
            if encoded.passthrough:
                passthrough.inc()
            latency.observe(max(0.0, time.time() - captured_ms / 1000))

    async def _monitor(self) -> None:
        loop = asyncio.get_running_loop()
        next_beat = loop.time() + self._options.heartbeat_s
        while True:
            now, now_ms = time.monotonic(), int(time.time() * 1000)
            stats = self.reader.stats()
            for status in self.tracker.update(self.reader.drain_transitions(), stats, now, now_ms):
                self._log.info(
                    "camera %s is %s%s",
                    self.camera_id,
                    status.state,
                    f" ({status.reason})" if status.reason else "",
                )
                await self._publish_status(status)
                next_beat = loop.time() + self._options.heartbeat_s
            if loop.time() >= next_beat:
                beat = self.tracker.current(now_ms)
                if beat is not None:
                    await self._publish_status(beat)
                next_beat = loop.time() + self._options.heartbeat_s
            if stats.last_frame_monotonic is not None:
                metrics.LAST_FRAME_AGE.labels(self.camera_id).set(now - stats.last_frame_monotonic)
            metrics.CAPTURE_FPS.labels(self.camera_id).set(stats.fps)
            await asyncio.sleep(self._options.monitor_s)

    async def _publish_status(self, status: CameraStatus) -> None:
        try:
            await self._publisher.publish(CAMERA_STATUS, status.encode(), key=self.camera_id.encode())
        except Exception as exc:
            self._log.warning("camera %s: publishing status failed: %s", self.camera_id, exc)
