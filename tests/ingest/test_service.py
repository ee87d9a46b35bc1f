"""The ingest role end to end on the embedded Kafka broker: site in, frames and status out."""

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import cv2
import httpx
import numpy as np
import pytest

from core.broker import EmbeddedBroker, free_port
from core.bus import KafkaPublisher, make_consumer
from core.contracts import CameraStatus, Frame
from core.settings import Settings
from core.site import Camera, Kitchen, School, Site
from core.site_feed import publish_site
from core.topics import CAMERA_STATUS, FRAMES
from ingest import metrics_http, service
from ingest.backoff import BackoffPolicy
from ingest.options import IngestOptions

pytestmark = pytest.mark.kafka
OPTIONS = IngestOptions(heartbeat_s=1.0, stall_s=3.0, backoff=BackoffPolicy(initial_s=0.1, max_s=0.5))


def _site(version: int, cameras: dict[str, str]) -> Site:
    school = School(
        id="school-1",
        name="School 1",
        kitchens=[Kitchen(id="k1", name="Main")],
        cameras=[Camera(id=cid, name=cid, kitchen="k1", url=url) for cid, url in cameras.items()],
    )
    return Site(version=version, schools=[school])


@dataclass
class Seen:
    frames: dict[str, list[Frame]] = field(default_factory=dict)
    statuses: dict[str, list[CameraStatus]] = field(default_factory=dict)
    partitions: dict[str, set[int]] = field(default_factory=dict)  # frame partitions per camera

    def states(self, camera_id: str) -> list[tuple[str, str]]:
        return [(s.state, s.reason) for s in self.statuses.get(camera_id, [])]


@contextlib.asynccontextmanager
async def _watch(bootstrap: str, cameras: set[str]) -> AsyncIterator[Seen]:
    """Collect frames and statuses of ``cameras`` in the background."""
    seen = Seen()
    consumer = make_consumer(bootstrap, [FRAMES, CAMERA_STATUS], offset_reset="earliest")
    await consumer.start()

    async def collect() -> None:
        async for msg in consumer:
            key = (msg.key or b"").decode()
            if key not in cameras:
                continue
            if msg.topic == FRAMES:
                headers = [(k, bytes(v)) for k, v in msg.headers]
                seen.frames.setdefault(key, []).append(Frame.decode(msg.key, msg.value, headers))
                seen.partitions.setdefault(key, set()).add(msg.partition)
            else:
                seen.statuses.setdefault(key, []).append(CameraStatus.decode(msg.value))

    task = asyncio.create_task(collect())
    try:
        yield seen
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await consumer.stop()


async def _until(predicate: object, timeout_s: float = 20.0, what: str = "condition") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while loop.time() < deadline:
        if predicate():  # type: ignore[operator]
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


async def test_synthetic_and_broken_camera(broker: EmbeddedBroker, unique: str, dead_port: int) -> None:
    good, bad, extra = f"syn-{unique}", f"bad-{unique}", f"extra-{unique}"
    good_url = "synthetic://kitchen?width=960&height=540&fps=15&people=2"
    async with KafkaPublisher(broker.bootstrap) as pub:
        await publish_site(pub, _site(1, {good: good_url + "&seed=2", bad: f"http://127.0.0.1:{dead_port}/x.mjpg"}))
    settings = Settings(kafka_bootstrap=broker.bootstrap, detect_fps=5, detect_width=480, jpeg_quality=70)
    stop = asyncio.Event()
    async with _watch(broker.bootstrap, {good, bad, extra}) as seen:
        task = asyncio.create_task(service.run(settings, stop, OPTIONS))
        try:
            await _until(lambda: len(seen.frames.get(good, [])) >= 8, what="frames of the synthetic camera")
            refused = ("offline", f"cannot connect: 127.0.0.1:{dead_port}: Connection refused")
            await _until(lambda: refused in seen.states(bad), what="the broken camera offline")
            await _until(lambda: ("online", "") in seen.states(good), what="the synthetic camera online")
            frames = seen.frames[good]
            assert [f.seq for f in frames] == sorted({f.seq for f in frames})
            assert all((f.width, f.height, f.school_id) == (480, 270, "school-1") for f in frames)
            assert all(b.captured_ms >= a.captured_ms for a, b in itertools.pairwise(frames))
            img = cv2.imdecode(np.frombuffer(frames[-1].jpeg, np.uint8), cv2.IMREAD_COLOR)
            assert img is not None and img.shape == (270, 480, 3) and img.std() > 20
            # Heartbeats repeat the state; the good camera keeps publishing despite the bad one.
            await _until(lambda: seen.states(bad).count(refused) >= 2, what="a heartbeat")
            # Site change: the bad camera goes, another comes, the good one is undisturbed.
            before = len(seen.frames[good])
            async with KafkaPublisher(broker.bootstrap) as pub:
                await publish_site(pub, _site(2, {good: good_url + "&seed=2", extra: "synthetic://k?seed=5&fps=10"}))
            await _until(lambda: len(seen.frames.get(extra, [])) >= 3, what="frames of the added camera")
            await _until(
                lambda: seen.states(bad)[-1][0] == "offline" and "removed" in seen.states(bad)[-1][1],
                what="the removed camera reported offline",
            )
            assert len(seen.frames[good]) > before
            seq_before = seen.frames[good][-1].seq
            # A URL change restarts only that camera; its sequence numbers keep increasing.
            async with KafkaPublisher(broker.bootstrap) as pub:
                await publish_site(pub, _site(3, {good: good_url + "&seed=9", extra: "synthetic://k?seed=5&fps=10"}))
            await _until(lambda: seen.frames[good][-1].seq > seq_before + 3, what="frames after the URL change")
        finally:
            stop.set()
            await asyncio.wait_for(task, 20)
        await _until(lambda: seen.states(good)[-1] == ("offline", "ingest stopped"), what="the last status")


async def test_needs_kafka() -> None:
    from core.errors import ConfigError

    with pytest.raises(ConfigError, match="BK_KAFKA_BOOTSTRAP"):
        await service.run(Settings(kafka_bootstrap=None), asyncio.Event())


async def test_runtime_changes_leave_the_other_cameras_alone(fresh_broker: EmbeddedBroker) -> None:
    """One site change adds a camera, changes another's URL and removes a third: the unchanged
    camera's frames keep flowing without a gap in seq, the removed one stops, the changed one
    restarts on its new URL."""
    bootstrap = fresh_broker.bootstrap
    keep, change, gone, added = "keep", "change", "gone", "added"
    v1 = {
        keep: "synthetic://k?seed=1&fps=10&width=320&height=180",
        change: "synthetic://k?seed=2&fps=10&width=320&height=180",
        gone: "synthetic://k?seed=3&fps=10&width=320&height=180",
    }
    v2 = {keep: v1[keep], change: "synthetic://k?seed=4&fps=10&width=320&height=240", added: "synthetic://k?seed=5"}
    settings = Settings(kafka_bootstrap=bootstrap, detect_fps=5, detect_width=320, jpeg_quality=60)
    stop = asyncio.Event()
    async with _watch(bootstrap, {keep, change, gone, added}) as seen:
        async with KafkaPublisher(bootstrap) as pub:
            await publish_site(pub, _site(1, v1))
        task = asyncio.create_task(service.run(settings, stop, OPTIONS))
        try:
            await _until(lambda: all(len(seen.frames.get(c, [])) >= 5 for c in v1), what="frames of every camera")
            async with KafkaPublisher(bootstrap) as pub:
                await publish_site(pub, _site(2, v2))
            await _until(lambda: len(seen.frames.get(added, [])) >= 3, what="frames of the added camera")
            await _until(
                lambda: any(s.state == "offline" and "removed" in s.reason for s in seen.statuses.get(gone, [])),
                what="the removed camera reported offline",
            )
            await _until(
                lambda: sum(f.height == 240 for f in seen.frames[change]) >= 3, what="the changed camera's new stream"
            )
            gone_frames = len(seen.frames[gone])
            keep_at_change = len(seen.frames[keep])
            await _until(lambda: len(seen.frames[keep]) >= keep_at_change + 10, what="more frames of the kept camera")
            assert len(seen.frames[gone]) == gone_frames  # nothing after it was removed
        finally:
            stop.set()
            await asyncio.wait_for(task, 20)
    kept = seen.frames[keep]
    assert [f.seq for f in kept] == list(range(kept[0].seq, kept[0].seq + len(kept)))  # no gap
    gaps = [b.captured_ms - a.captured_ms for a, b in itertools.pairwise(kept)]
    assert max(gaps) < 1000, max(gaps)
    # Heartbeats only: online all along, since the same moment (never restarted).
    assert {(s.state, s.since_ms) for s in seen.statuses[keep][:-1]} == {("online", seen.statuses[keep][0].since_ms)}
    changed = seen.frames[change]
    heights = [f.height for f in changed]
    assert heights == sorted(heights)  # old stream, then only the new one
    assert [f.seq for f in changed] == sorted({f.seq for f in changed})  # seq continues across the restart
    # Frames go to the partition of the camera's position in the site (core.placement), not its key's hash.
    assert seen.partitions == {keep: {0}, change: {1}, gone: {2}, added: {2}}


async def test_metrics_served_over_http(broker: EmbeddedBroker, unique: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cam = f"metrics-{unique}"
    port = free_port()
    monkeypatch.delenv(metrics_http.LEGACY_PORT_ENV, raising=False)
    async with KafkaPublisher(broker.bootstrap) as pub:
        await publish_site(pub, _site(1, {cam: "synthetic://k?fps=10&width=320&height=180"}))
    settings = Settings(kafka_bootstrap=broker.bootstrap, detect_fps=5, detect_width=320, metrics_port=port)
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(settings, stop, OPTIONS.model_copy(update={"metrics_host": "127.0.0.1"})))
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as client:

            async def published() -> float:
                try:
                    text = (await client.get("/metrics")).text
                except httpx.TransportError:
                    return 0.0
                for line in text.splitlines():
                    if line.startswith(f'bk_ingest_frames_published_total{{camera_id="{cam}"}}'):
                        return float(line.split()[-1])
                return 0.0

            deadline = asyncio.get_running_loop().time() + 20
            while await published() < 3:
                assert asyncio.get_running_loop().time() < deadline, "no published frames in /metrics"
                await asyncio.sleep(0.2)
            response = await client.get("/metrics")
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/plain; version=")
            for name in (
                "bk_ingest_frames_read_total",
                "bk_ingest_frames_dropped_total",
                "bk_ingest_reconnects_total",
                "bk_ingest_last_frame_age_seconds",
                "bk_ingest_capture_to_publish_seconds_bucket",
                "bk_ingest_camera_online",
            ):
                assert f'{name}{{camera_id="{cam}"' in response.text, name
            assert "\nbk_ingest_cameras " in response.text
            health = await client.get("/healthz")
            assert (health.status_code, health.text) == (200, "ok\n")
            assert (await client.get("/nothing")).status_code == 404
            assert (await client.post("/metrics")).status_code == 405
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
    with pytest.raises(httpx.ConnectError):  # the server stopped with the role
        httpx.get(f"{base}/healthz", timeout=2)


@pytest.mark.parametrize(("raw", "port"), [("", None), ("9102", 9102), ("0", 0), (" 8000 ", 8000)])
def test_legacy_metrics_port_from_env(monkeypatch: pytest.MonkeyPatch, raw: str, port: int | None) -> None:
    monkeypatch.setenv(metrics_http.LEGACY_PORT_ENV, raw)
    assert metrics_http.metrics_port(Settings(), IngestOptions()) == port


@pytest.mark.parametrize(
    ("option", "setting", "legacy", "port"),
    [(9101, 9102, "9103", 9101), (None, 9102, "9103", 9102), (None, None, "9103", 9103), (None, None, "", None)],
)
def test_metrics_port_order(
    monkeypatch: pytest.MonkeyPatch, option: int | None, setting: int | None, legacy: str, port: int | None
) -> None:
    """IngestOptions first, then BK_METRICS_PORT (Settings), then the legacy BK_INGEST_METRICS_PORT."""
    monkeypatch.setenv(metrics_http.LEGACY_PORT_ENV, legacy)
    monkeypatch.delenv("BK_METRICS_PORT", raising=False)
    options = IngestOptions(metrics_port=option)
    assert metrics_http.metrics_port(Settings(metrics_port=setting), options) == port


@pytest.mark.parametrize("raw", ["abc", "-1", "70000"])
def test_bad_metrics_port(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    from core.errors import ConfigError

    monkeypatch.setenv(metrics_http.LEGACY_PORT_ENV, raw)
    with pytest.raises(ConfigError, match="BK_INGEST_METRICS_PORT"):
        metrics_http.legacy_metrics_port()
