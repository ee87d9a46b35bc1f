"""One camera inside the ingest service: its reader thread, the pump that samples the newest
picture at detect rate, the sender that encodes and publishes frames, and its status.

A camera's failures stay inside its worker: every loop catches and logs, so a bad camera never
disturbs another one or the process.
"""

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Executor
from typing import Any

from core.bus import Publisher
from core.contracts import CameraStatus, Frame
from core.settings import Settings
from core.topics import CAMERA_STATUS
from ingest import metrics
from ingest.encode import encode_jpeg
from ingest.latest import DropOldestQueue
from ingest.options import IngestOptions
from ingest.reader import CameraReader, Grabbed
from ingest.sources import Source, make_source
from ingest.status import StatusTracker

log = logging.getLogger(__name__)


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
        executor: Executor,
        seq: "itertools.count[int]",
        source_factory: Callable[[str], Source] = make_source,
    ) -> None:
        self.camera_id = camera_id
        self.school_id = school_id
        self.url = url
        self._settings = settings
        self._options = options
        self._publisher = publisher
        self._executor = executor
        self._seq = seq
        self.reader = CameraReader(camera_id, url, backoff=options.backoff, source_factory=source_factory)
        self.tracker = StatusTracker(camera_id, school_id, stall_s=options.stall_s)
        self.queue: DropOldestQueue[Grabbed] = DropOldestQueue(options.queue_size)
        self._tasks: list[asyncio.Task[None]] = []
        self._log = logging.LoggerAdapter(log, {"camera_id": camera_id})

    def start(self) -> None:
        metrics.init_camera(self.camera_id)
        self.reader.start()
        self._tasks = [
            asyncio.create_task(self._guard(self._pump), name=f"pump-{self.camera_id}"),
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

    async def _pump(self) -> None:
        """Take the newest picture at detect_fps; never wait for the sender (drop-oldest queue)."""
        loop = asyncio.get_running_loop()
        interval = 1.0 / self._settings.detect_fps
        due = loop.time()
        last = 0
        while True:
            grabbed = self.reader.latest()
            if grabbed is not None and grabbed.number != last:
                last = grabbed.number
                if not self.queue.put(grabbed):
                    metrics.FRAMES_DROPPED.labels(self.camera_id).inc()
            due += interval
            now = loop.time()
            if due < now:
                due = now
            await asyncio.sleep(due - now)

    async def _send(self) -> None:
        loop = asyncio.get_running_loop()
        width, quality = self._settings.detect_width, self._settings.jpeg_quality
        failing = False
        while True:
            grabbed = await self.queue.get()
            jpeg, w, h = await loop.run_in_executor(self._executor, encode_jpeg, grabbed.image, width, quality)
            frame = Frame(self.camera_id, self.school_id, grabbed.captured_ms, next(self._seq), w, h, jpeg)
            try:
                await self._publisher.publish(
                    self._settings.frame_topics.topic_for(frame.captured_ms), frame.jpeg, key=frame.key,
                    headers=frame.headers(), timestamp_ms=frame.captured_ms,
                )
            except Exception as exc:
                if not failing:
                    self._log.warning("camera %s: publishing frames failed: %s", self.camera_id, exc)
                failing = True
                continue
            failing = False
            metrics.FRAMES_PUBLISHED.labels(self.camera_id).inc()
            metrics.PUBLISH_LATENCY.labels(self.camera_id).observe(max(0.0, time.time() - grabbed.captured_ms / 1000))

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
