"""Cameras failing for real, inside a running fleet (the service minus Kafka): servers killed and
restarted on the same port, frozen and slowed streams, garbage, web pages, refused passwords,
missing files and devices. Each gets a clear status and a log line naming the camera, and a
healthy camera keeps publishing throughout."""

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from core.broker import free_port
from core.contracts import CameraStatus, Frame
from core.memory_bus import MemoryPublisher
from core.settings import Settings
from core.site import Camera, Kitchen, School, Site
from core.topics import CAMERA_STATUS, FRAMES
from ingest.backoff import BackoffPolicy
from ingest.options import IngestOptions
from ingest.service import CameraFleet
from tests.ingest.conftest import MjpegServer, RtspServer
from tests.ingest.streams import StreamServer

SETTINGS = Settings(kafka_bootstrap="unused:9092", detect_fps=10, detect_width=320, jpeg_quality=60)
OPTIONS = IngestOptions(
    stall_s=1.5, heartbeat_s=2.0, monitor_s=0.1, backoff=BackoffPolicy(initial_s=0.1, max_s=0.5), reader_join_s=8
)
STEADY = "synthetic://k?fps=10&width=320&height=180&seed=3"
BOUND_S = 15.0  # a failure must be reported within this


@dataclass
class Fleet:
    """A running CameraFleet on an in-memory publisher, with helpers to read what it published."""

    fleet: CameraFleet
    pub: MemoryPublisher
    versions: "itertools.count[int]" = field(default_factory=lambda: itertools.count(1))

    async def apply(self, cameras: dict[str, str]) -> None:
        school = School(
            id="school-1",
            name="School 1",
            kitchens=[Kitchen(id="k1", name="Main")],
            cameras=[Camera(id=cid, name=cid, kitchen="k1", url=url) for cid, url in cameras.items()],
        )
        await self.fleet.apply(Site(version=next(self.versions), schools=[school]))

    def frames(self, camera_id: str) -> list[Frame]:
        return [Frame.decode(r.key, r.value, r.headers) for r in self.pub.topics[FRAMES] if r.key == camera_id.encode()]

    def statuses(self, camera_id: str) -> list[CameraStatus]:
        return [s for s in (CameraStatus.decode(v) for v in self.pub.values(CAMERA_STATUS)) if s.camera_id == camera_id]

    def state(self, camera_id: str) -> tuple[str, str]:
        found = self.statuses(camera_id)
        return (found[-1].state, found[-1].reason) if found else ("", "")


@pytest.fixture
async def fleet(caplog: pytest.LogCaptureFixture) -> AsyncIterator[Fleet]:
    caplog.set_level(logging.INFO, logger="ingest")
    pub = MemoryPublisher()
    running = CameraFleet(SETTINGS, OPTIONS, pub)
    try:
        yield Fleet(running, pub)
    finally:
        await running.close()


async def until(predicate: object, timeout_s: float = BOUND_S, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def logged(caplog: pytest.LogCaptureFixture, camera_id: str, text: str) -> bool:
    """A warning or error naming the camera (in the message and as the camera_id field) and ``text``."""
    return any(
        r.levelno >= logging.WARNING
        and camera_id in r.getMessage()
        and text in r.getMessage()
        and getattr(r, "camera_id", None) == camera_id
        for r in caplog.records
    )


async def _killed_and_restarted(
    fleet: Fleet, caplog: pytest.LogCaptureFixture, url: str, kill: object, restart: object
) -> None:
    await fleet.apply({"steady": STEADY, "cam": url})
    await until(lambda: len(fleet.frames("cam")) >= 5, what="frames from the camera")
    assert fleet.state("cam") == ("online", "")
    kill()  # type: ignore[operator]
    steady_at_kill = len(fleet.frames("steady"))
    await until(lambda: fleet.state("cam")[0] in ("offline", "stalled"), what="the camera offline or stalled")
    await until(lambda: fleet.state("cam")[0] == "offline", what="the camera offline")
    assert logged(caplog, "cam", fleet.state("cam")[1].split(":")[0])
    # While it is down the other camera keeps publishing, and nothing is published for this one.
    published_down = len(fleet.frames("cam"))
    await until(lambda: len(fleet.frames("steady")) >= steady_at_kill + 10, what="the steady camera publishing")
    assert len(fleet.frames("cam")) <= published_down + 2  # at most what was queued
    restart()  # type: ignore[operator]
    await until(lambda: fleet.state("cam") == ("online", ""), what="the camera online again")
    await until(lambda: len(fleet.frames("cam")) >= published_down + 5, what="frames after the restart")
    seqs = [f.seq for f in fleet.frames("cam")]
    assert seqs == sorted(set(seqs))
    states = [s.state for s in fleet.statuses("cam")]
    assert states[0] == "online" and "offline" in states and states[-1] == "online"


async def test_rtsp_server_killed_and_restarted(
    fleet: Fleet, caplog: pytest.LogCaptureFixture, rtsp_server: RtspServer
) -> None:
    port = free_port()
    server = rtsp_server(port)

    def kill() -> None:
        server.kill()
        server.wait()

    await _killed_and_restarted(fleet, caplog, f"rtsp://127.0.0.1:{port}/live", kill, lambda: rtsp_server(port))
    reasons = [s.reason for s in fleet.statuses("cam") if s.state == "offline"]
    assert any(r.startswith(("stream ended", "cannot connect")) for r in reasons), reasons


async def test_mjpeg_server_killed_and_restarted(
    fleet: Fleet, caplog: pytest.LogCaptureFixture, mjpeg_server: MjpegServer, dead_port: int
) -> None:
    server = mjpeg_server(dead_port)

    def kill() -> None:
        server.kill()
        server.wait()

    await _killed_and_restarted(
        fleet,
        caplog,
        f"http://127.0.0.1:{dead_port}/x.mjpg",
        kill,
        lambda: mjpeg_server(dead_port, wait=False, again=True),
    )


async def test_frozen_then_slowed_stream(fleet: Fleet, caplog: pytest.LogCaptureFixture) -> None:
    """An MJPEG camera that stops sending but keeps its socket open is stalled, not offline; one
    that drops to a fraction of its usual rate is degraded; both come back online."""
    with StreamServer("mjpeg", fps=20) as server:
        await fleet.apply({"steady": STEADY, "cam": server.url})
        await until(lambda: fleet.state("cam") == ("online", ""), what="online")
        await asyncio.sleep(4.5)  # the usual rate is learned once a connection has settled
        server.fps = 3
        await until(lambda: fleet.state("cam")[0] == "degraded", what="degraded")
        assert "usually" in fleet.state("cam")[1]
        server.fps = 20
        await until(lambda: fleet.state("cam") == ("online", ""), what="online after degraded")
        server.flowing.clear()
        await until(lambda: fleet.state("cam")[0] == "stalled", what="stalled")
        assert fleet.state("cam")[1].startswith("no new picture for")
        assert any("cam is stalled" in r.getMessage() for r in caplog.records)
        steady = len(fleet.frames("steady"))
        server.flowing.set()
        await until(lambda: fleet.state("cam") == ("online", ""), what="online after the stall")
        assert len(fleet.frames("steady")) > steady
        assert "offline" not in [s.state for s in fleet.statuses("cam")]


async def test_bad_inputs_each_get_a_reason(
    fleet: Fleet, caplog: pytest.LogCaptureFixture, rtsp_server: RtspServer, dead_port: int, video_file: Path
) -> None:
    rtsp_port = free_port()
    rtsp_server(rtsp_port, "--auth", "admin:s3cret")
    with StreamServer("garbage") as garbage, StreamServer("html") as html:
        expected = {
            "garbage-http": (
                f"http://127.0.0.1:{garbage.port}/video.mjpg",
                "not a video stream",
                "does not speak HTTP",
            ),
            "garbage-rtsp": (f"rtsp://127.0.0.1:{garbage.port}/live", "not a video stream", "does not speak RTSP"),
            "web-page": (html.url, "not a video stream", "serves text/html"),
            "wrong-password": (
                f"rtsp://admin:wrong@127.0.0.1:{rtsp_port}/live",
                "authentication refused",
                "credentials in the URL were refused",
            ),
            "refused": (f"http://127.0.0.1:{dead_port}/x.mjpg", "cannot connect", "refused"),
            "missing-file": ("/no/such/dir/clip.mp4", "file not found", "/no/such/dir/clip.mp4"),
            "no-device": ("/dev/video97", "device not found", "/dev/video97"),
            "no-host": ("rtsp:///live", "bad URL", "has no host"),
            "bad-scheme": ("ftp://cam/x.mp4", "unsupported URL", "scheme 'ftp'"),
            "ended": (str(video_file), "stream ended", "end of"),
        }
        await fleet.apply({"steady": STEADY} | {cid: url for cid, (url, _, _) in expected.items()})

        def reported(cid: str) -> bool:
            return any(s.state == "offline" and s.reason.startswith(expected[cid][1]) for s in fleet.statuses(cid))

        await until(lambda: all(reported(cid) for cid in expected), what="every bad camera reported")
        for cid, (_, reason, detail) in expected.items():
            status = next(s for s in fleet.statuses(cid) if s.state == "offline" and s.reason.startswith(reason))
            assert detail in status.reason, (cid, status.reason)
            assert "s3cret" not in status.reason and "wrong" not in status.reason.replace("admin:***", "")
            assert logged(caplog, cid, reason), cid
        assert next(s.state for s in fleet.statuses("ended")) == "online"  # it played, then ended
        # The healthy camera never noticed.
        steady = len(fleet.frames("steady"))
        await until(lambda: len(fleet.frames("steady")) >= steady + 10, what="the steady camera publishing")
        assert fleet.state("steady") == ("online", "")
