"""One camera worker without Kafka (in-memory publisher): frames, status changes, back-pressure."""

import asyncio
import itertools
import threading
import time
from typing import ClassVar

import numpy as np
from prometheus_client import generate_latest

from core.bus import Headers
from core.contracts import CameraStatus, Frame
from core.memory_bus import MemoryPublisher
from core.settings import Settings
from core.topics import CAMERA_STATUS, FRAMES
from ingest import metrics
from ingest.backoff import BackoffPolicy
from ingest.camera import CameraWorker
from ingest.options import IngestOptions
from ingest.sources import Source

OPTIONS = IngestOptions(stall_s=0.6, heartbeat_s=0.5, monitor_s=0.05, backoff=BackoffPolicy(initial_s=0.05, max_s=0.1))
SETTINGS = Settings(kafka_bootstrap="unused:9092", detect_fps=20, detect_width=64, jpeg_quality=60)


class Valve(Source):
    """A 30 fps source whose flow the test turns off and on (a camera that freezes)."""

    flowing = threading.Event()
    quit = threading.Event()
    size: ClassVar[tuple[int, int]] = (48, 128)

    def open(self) -> None:
        pass

    def read(self) -> np.ndarray:
        while not self.flowing.wait(0.05):
            if self.quit.is_set():
                raise RuntimeError("test over")
        time.sleep(1 / 30)
        return np.full((*self.size, 3), int(time.monotonic() * 100) % 255, np.uint8)

    def close(self) -> None:
        pass


def _statuses(pub: MemoryPublisher) -> list[CameraStatus]:
    return [CameraStatus.decode(v) for v in pub.values(CAMERA_STATUS)]


async def _until(predicate: object, timeout_s: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def _worker(pub: MemoryPublisher, camera_id: str = "valve") -> CameraWorker:
    return CameraWorker(
        camera_id,
        "school",
        "valve://",
        settings=SETTINGS,
        options=OPTIONS,
        publisher=pub,
        seq=itertools.count(1),
        source_factory=Valve,
    )


async def test_frames_stall_and_recovery() -> None:
    Valve.flowing.set()
    Valve.quit.clear()
    pub = MemoryPublisher()
    worker = _worker(pub)
    worker.start()
    try:
        await _until(lambda: len(pub.topics[FRAMES]) >= 5, what="frames")
        frames = [Frame.decode(r.key, r.value, r.headers) for r in pub.topics[FRAMES]]
        assert [f.seq for f in frames] == list(range(1, len(frames) + 1))
        assert all((f.width, f.height) == (64, 24) for f in frames)  # resized, aspect kept
        Valve.flowing.clear()
        await _until(lambda: any(s.state == "stalled" for s in _statuses(pub)), what="stalled")
        Valve.flowing.set()
        await _until(lambda: _statuses(pub)[-1].state == "online", what="online again")
        states = [s.state for s in _statuses(pub)]
        assert states[0] == "online" and "stalled" in states
        # Heartbeats repeat the state with a newer report time and the same since.
        await _until(lambda: len(_statuses(pub)) >= len(states) + 1, what="a heartbeat")
        beat = _statuses(pub)[-1]
        assert beat.state == "online" and beat.reported_ms >= beat.since_ms
    finally:
        Valve.quit.set()
        await worker.stop(final_reason="test over")
    assert (_statuses(pub)[-1].state, _statuses(pub)[-1].reason) == ("offline", "test over")
    exposed = generate_latest(metrics.REGISTRY).decode()
    for name in (
        "bk_ingest_frames_read_total",
        "bk_ingest_frames_published_total",
        "bk_ingest_last_frame_age_seconds",
        "bk_ingest_capture_to_publish_seconds_count",
        "bk_ingest_capture_fps",
    ):
        assert f'{name}{{camera_id="valve"}}' in exposed, name
    metrics.forget_camera("valve")
    assert 'camera_id="valve"' not in generate_latest(metrics.REGISTRY).decode()


class SlowPublisher(MemoryPublisher):
    async def publish(
        self,
        topic: str,
        value: bytes,
        key: bytes | None = None,
        headers: Headers = (),
        timestamp_ms: int | None = None,
        partition: int | None = None,
    ) -> None:
        if topic == FRAMES:
            await asyncio.sleep(0.3)
        await super().publish(topic, value, key, headers, timestamp_ms, partition)


async def test_slow_publishing_drops_the_oldest_frames() -> None:
    Valve.flowing.set()
    Valve.quit.clear()
    pub = SlowPublisher()
    worker = _worker(pub, camera_id="slow")
    worker.start()
    try:
        await _until(lambda: worker.queue.dropped >= 5, what="drops")
        assert worker.reader.stats().frames_read > 3 * len(pub.topics[FRAMES])  # the reader never waits
        assert metrics.FRAMES_DROPPED.labels("slow")._value.get() >= 5
        await _until(lambda: len(pub.topics[FRAMES]) >= 2, what="published frames")
        newest = Frame.decode(None, pub.topics[FRAMES][-1].value, pub.topics[FRAMES][-1].headers)
        assert time.time() * 1000 - newest.captured_ms < 2000  # fresh, not a backlog
    finally:
        Valve.quit.set()
        await worker.stop()
