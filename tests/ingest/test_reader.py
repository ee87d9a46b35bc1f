"""The per-camera reader thread: drain every picture, retrieve only those due, reconnect with
backoff, statistics."""

import itertools
import time
from collections.abc import Iterator

import numpy as np
import pytest

from ingest.backoff import BackoffPolicy
from ingest.reader import CameraReader, Grabbed
from ingest.sources import Source, SourceError
from tests.ingest.conftest import MjpegServer, wait_for

FAST = BackoffPolicy(initial_s=0.05, max_s=0.2, jitter=0.1)


@pytest.fixture
def readers() -> Iterator[list[CameraReader]]:
    made: list[CameraReader] = []
    yield made
    for reader in made:
        assert reader.stop(5)


def _reader(readers: list[CameraReader], url: str, **kw: object) -> CameraReader:
    reader = CameraReader("cam-test", url, backoff=FAST, **kw)  # type: ignore[arg-type]
    readers.append(reader)
    reader.start()
    return reader


def test_keeps_only_the_newest_frame(readers: list[CameraReader]) -> None:
    reader = _reader(readers, "synthetic://k?fps=30&width=160&height=90")
    wait_for(lambda: reader.stats().frames_read >= 10, what="10 frames")
    first = reader.latest()
    assert first is not None and first.image.shape == (90, 160, 3)
    wait_for(lambda: (g := reader.latest()) is not None and g.number > first.number + 3, what="newer frames")
    stats = reader.stats()
    assert stats.connected and stats.nominal_fps == 30
    assert stats.fps > 0
    assert [t.state for t in reader.drain_transitions()] == ["online"]
    assert abs(first.captured_ms / 1000 - time.time()) < 60


def test_dead_host_goes_offline_and_keeps_retrying(readers: list[CameraReader], dead_port: int) -> None:
    reader = _reader(readers, f"http://127.0.0.1:{dead_port}/x.mjpg")
    wait_for(lambda: reader.stats().reconnects >= 3, what="reconnect attempts")
    transitions = reader.drain_transitions()
    assert transitions and all(
        t.state == "offline" and t.reason.startswith("cannot connect: 127.0.0.1:") for t in transitions
    )
    assert not reader.stats().connected
    assert reader.latest() is None


def test_bad_url_is_not_retried(readers: list[CameraReader]) -> None:
    reader = _reader(readers, "gopher://old.host/cam")
    wait_for(lambda: reader.drain_transitions() != [] or False, what="offline")
    time.sleep(0.3)
    assert reader.stats().reconnects == 0


class _Exploding(Source):
    """A driver that fails in an unexpected way on every second open."""

    opens = 0

    def open(self) -> None:
        type(self).opens += 1
        if self.opens % 2:
            raise RuntimeError("driver bug")

    def read(self) -> np.ndarray:
        time.sleep(0.01)
        raise SourceError("stream ended")

    def close(self) -> None:
        pass


def test_unexpected_errors_do_not_end_the_reader(readers: list[CameraReader]) -> None:
    reader = _reader(readers, "x://", source_factory=_Exploding)
    wait_for(lambda: _Exploding.opens >= 4, what="several opens")
    reasons = {t.reason for t in reader.drain_transitions()}
    assert "unexpected error: RuntimeError" in reasons
    assert "stream ended" in reasons  # a SourceError without detail


def test_stream_ends_then_comes_back(readers: list[CameraReader], mjpeg_server: MjpegServer, dead_port: int) -> None:
    port = dead_port
    server = mjpeg_server(port)
    reader = _reader(readers, f"http://127.0.0.1:{port}/x.mjpg")
    wait_for(lambda: reader.stats().frames_read >= 3, what="frames from the MJPEG server")
    server.terminate()
    wait_for(lambda: not reader.stats().connected, what="offline after the stream ended")
    read_before = reader.stats().frames_read
    mjpeg_server(port, wait=False, again=True)  # the camera comes back
    wait_for(lambda: reader.stats().frames_read >= read_before + 3, what="frames after reconnecting")
    states = [(t.state, t.reason) for t in reader.drain_transitions()]
    assert states[0] == ("online", "")
    assert any(state == "offline" and reason.startswith("stream ended") for state, reason in states)
    assert states[-1] == ("online", "")
    assert reader.stats().reconnects >= 1


class _Counting(Source):
    """A 100 fps source that counts what the reader asks of it."""

    grabs = 0
    retrieves = 0

    def open(self) -> None:
        pass

    def read(self) -> np.ndarray:
        raise AssertionError("the reader grabs and retrieves; it never reads whole pictures")

    def grab(self) -> None:
        time.sleep(0.01)
        type(self).grabs += 1

    def retrieve(self) -> np.ndarray:
        type(self).retrieves += 1
        return np.zeros((4, 4, 3), np.uint8)

    def close(self) -> None:
        pass


def test_pictures_not_due_are_grabbed_but_never_retrieved(readers: list[CameraReader]) -> None:
    handed: list[Grabbed] = []
    reader = _reader(readers, "count://", source_factory=_Counting, sample_fps=1, on_sample=handed.append)
    wait_for(lambda: _Counting.grabs >= 60, what="60 grabs")
    assert reader.stop(5)
    assert reader.stats().frames_read == _Counting.grabs  # every picture drained
    assert _Counting.retrieves == len(handed) < _Counting.grabs / 3
    times = [g.monotonic for g in handed]
    assert all(b - a >= 0.5 for a, b in itertools.pairwise(times))  # about 1 a second, never a burst
    assert reader.latest() is handed[-1]
    assert [g.number for g in handed] == sorted({g.number for g in handed})


def test_without_a_sample_rate_every_picture_is_handed_on(readers: list[CameraReader]) -> None:
    handed: list[Grabbed] = []
    reader = _reader(readers, "synthetic://k?fps=50&width=64&height=48", on_sample=handed.append)
    wait_for(lambda: reader.stats().frames_read >= 10, what="10 pictures")
    assert reader.stop(5)
    assert [g.number for g in handed] == list(range(1, reader.stats().frames_read + 1))


def test_a_failing_consumer_does_not_drop_the_camera(
    readers: list[CameraReader], caplog: pytest.LogCaptureFixture
) -> None:
    def explode(grabbed: Grabbed) -> None:
        raise ValueError("consumer bug")

    reader = _reader(readers, "synthetic://k?fps=50&width=64&height=48", on_sample=explode)
    wait_for(lambda: reader.stats().frames_read >= 10, what="10 pictures")
    assert reader.stats().connected and reader.stats().reconnects == 0
    assert sum("handing on a picture failed" in r.getMessage() for r in caplog.records) == 1  # logged once
