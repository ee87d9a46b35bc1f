"""The per-camera reader thread: newest frame only, reconnect with backoff, statistics."""

import time
from collections.abc import Iterator

import numpy as np
import pytest

from ingest.backoff import BackoffPolicy
from ingest.reader import CameraReader
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
    mjpeg_server(port, wait=False)  # the camera comes back
    wait_for(lambda: reader.stats().frames_read >= read_before + 3, what="frames after reconnecting")
    states = [(t.state, t.reason) for t in reader.drain_transitions()]
    assert states[0] == ("online", "")
    assert any(state == "offline" and reason.startswith("stream ended") for state, reason in states)
    assert states[-1] == ("online", "")
    assert reader.stats().reconnects >= 1
