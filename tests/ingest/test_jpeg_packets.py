"""MJPEG passthrough on real streams: the camera's JPEG bytes are published as they are when
they fit, shrunk and re-encoded when wider; damaged pictures are skipped without losing the camera."""

import asyncio
import itertools
import logging
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.contracts import Frame
from core.memory_bus import MemoryPublisher
from core.settings import Settings
from core.topics import FRAMES
from ingest import metrics
from ingest.backoff import BackoffPolicy
from ingest.camera import CameraWorker
from ingest.errors import CorruptPicture
from ingest.options import IngestOptions
from ingest.picture import CameraJpeg
from ingest.reader import CORRUPT_LIMIT, CameraReader, Transition
from ingest.sources import make_source
from ingest.sources.capture import CaptureSource
from tests.ingest.conftest import FFMPEG, wait_for
from tests.ingest.streams import StreamServer

SETTINGS = Settings(kafka_bootstrap="unused:9092", detect_fps=20, detect_width=640, jpeg_quality=60)
OPTIONS = IngestOptions(backoff=BackoffPolicy(initial_s=0.05, max_s=0.2))


class DamagedServer(StreamServer):
    """An MJPEG camera whose pictures from ``bad_from`` on are damaged: every other one, or all."""

    bad_from = 3
    all_bad = False

    def picture(self, n: int) -> bytes:
        if n >= self.bad_from and (self.all_bad or n % 2):
            return b"\xff\xd8\xff\xe0\x00\x10garbage, no frame header" + bytes(64)
        return super().picture(n)


def _packets(video: Path, folder: Path) -> list[bytes]:
    """The file's JPEG packets, copied out by ffmpeg without decoding."""
    pattern = folder / "packet%03d.jpg"
    subprocess.run(
        [FFMPEG, "-loglevel", "error", "-i", str(video), "-c:v", "copy", "-f", "image2", str(pattern)],
        check=True,
        timeout=30,
    )
    return [p.read_bytes() for p in sorted(folder.glob("packet*.jpg"))]


def test_mjpeg_file_pictures_are_the_files_own_jpegs(video_file: Path, tmp_path: Path) -> None:
    packets = _packets(video_file, tmp_path)
    src = make_source(str(video_file))
    assert isinstance(src, CaptureSource)
    with src:
        assert src.passthrough
        pictures = []
        for _ in range(5):
            src.grab()
            pictures.append(src.retrieve())
    assert all(isinstance(p, CameraJpeg) and (p.width, p.height) == (320, 240) for p in pictures)
    assert [p.data for p in pictures if isinstance(p, CameraJpeg)] == packets[:5]


def test_read_still_gives_decoded_pictures(video_file: Path) -> None:
    with make_source(str(video_file)) as src:
        assert src.read().shape == (240, 320, 3)


def test_h264_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "h264.mp4"
    subprocess.run(
        [FFMPEG, "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "1",
         "-c:v", "libx264", "-y", str(path)],
        check=True,
        timeout=30,
    )  # fmt: skip
    src = make_source(str(path))
    assert isinstance(src, CaptureSource)
    with src:
        src.grab()
        assert not src.passthrough and src.retrieve().shape == (120, 160, 3)  # type: ignore[union-attr]


@pytest.fixture
def workers() -> Iterator[list[CameraWorker]]:
    made: list[CameraWorker] = []
    yield made
    for worker in made:
        assert worker.reader.stop(5)


async def _publish_from(url: str, camera_id: str, workers: list[CameraWorker], count: int = 5) -> list[Frame]:
    pub = MemoryPublisher()
    worker = CameraWorker(
        camera_id, "school", url, settings=SETTINGS, options=OPTIONS, publisher=pub, seq=itertools.count(1)
    )
    workers.append(worker)
    worker.start()
    deadline = time.monotonic() + 15
    try:
        while len(pub.topics[FRAMES]) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    finally:
        await worker.stop()
    frames = [Frame.decode(r.key, r.value, r.headers) for r in pub.topics[FRAMES]]
    assert len(frames) >= count, f"only {len(frames)} frames from {url}"
    return frames


async def test_http_mjpeg_at_the_detect_width_is_published_byte_for_byte(workers: list[CameraWorker]) -> None:
    with StreamServer("mjpeg", fps=20, size=(320, 240)) as server:
        frames = await _publish_from(server.url, "mjpeg-small", workers)
        served = {server.picture(n) for n in range(2000)}
    assert all((f.width, f.height) == (320, 240) for f in frames)
    assert all(f.jpeg in served for f in frames)  # the camera's bytes, not a re-encoding
    assert metrics.FRAMES_PASSTHROUGH.labels("mjpeg-small")._value.get() >= len(frames)


async def test_wider_http_mjpeg_is_resized_and_re_encoded(workers: list[CameraWorker]) -> None:
    with StreamServer("mjpeg", fps=20, size=(1280, 720)) as server:
        frames = await _publish_from(server.url, "mjpeg-wide", workers)
        served = {server.picture(n) for n in range(2000)}
    assert all((f.width, f.height) == (640, 360) for f in frames)
    assert not any(f.jpeg in served for f in frames)
    assert metrics.FRAMES_PASSTHROUGH.labels("mjpeg-wide")._value.get() == 0


def _reader(url: str, readers: list[CameraReader]) -> CameraReader:
    reader = CameraReader("damaged", url, backoff=BackoffPolicy(initial_s=0.05, max_s=0.2), on_sample=lambda g: None)
    readers.append(reader)
    reader.start()
    return reader


@pytest.fixture
def readers() -> Iterator[list[CameraReader]]:
    made: list[CameraReader] = []
    yield made
    for reader in made:
        assert reader.stop(5)


def test_damaged_pictures_are_skipped_and_the_camera_stays_online(
    readers: list[CameraReader], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="ingest")
    corrupt_before = metrics.FRAMES_CORRUPT.labels("damaged")._value.get()
    with DamagedServer("mjpeg", fps=40) as server:
        reader = _reader(server.url, readers)
        wait_for(lambda: reader.stats().frames_read >= 40, timeout_s=20, what="40 pictures")
        assert reader.stats().connected
        latest = reader.latest()
        assert latest is not None and isinstance(latest.image, CameraJpeg)
    assert [t.state for t in reader.drain_transitions()][:1] == ["online"]
    assert metrics.FRAMES_CORRUPT.labels("damaged")._value.get() - corrupt_before >= 10
    warnings = [r.getMessage() for r in caplog.records if "unusable picture" in r.getMessage()]
    assert len(warnings) == 1 and "damaged" in warnings[0] and "damaged JPEG" in warnings[0]


def test_a_stream_of_damaged_pictures_goes_offline(readers: list[CameraReader]) -> None:
    DamagedServer.all_bad = True
    try:
        with DamagedServer("mjpeg", fps=60) as server:
            reader = _reader(server.url, readers)
            seen: list[Transition] = []

            def offline() -> bool:
                seen.extend(reader.drain_transitions())
                return any(t.state == "offline" for t in seen)

            wait_for(offline, timeout_s=20, what="offline")
        assert reader.stats().frames_read >= CORRUPT_LIMIT
        offline = next(t for t in seen if t.state == "offline")
        assert offline.reason.startswith(f"not a video stream: {CORRUPT_LIMIT} unusable pictures in a row")
    finally:
        DamagedServer.all_bad = False


def test_corrupt_picture_is_an_ingest_error() -> None:
    with pytest.raises(CorruptPicture, match="not a JPEG"):
        CameraJpeg.parse(b"<html>")
