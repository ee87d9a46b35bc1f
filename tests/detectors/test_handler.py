"""The worker's per-record logic, fed plain records and an in-memory publisher."""

import time

from core.bus import Record
from core.contracts import Event, Frame
from core.memory_bus import MemoryPublisher
from core.site import Site
from core.topics import DLQ, EVENTS, FRAMES
from detectors import metrics
from detectors.cameras import CameraPipelines
from detectors.handler import FrameHandler
from tests.detectors import scenes


def record(frame: Frame, offset: int = 0, value: bytes | None = None) -> Record:
    return Record(FRAMES, 2, offset, frame.key, value if value is not None else frame.jpeg, tuple(frame.headers()))


def make_frame(img: scenes.Image, t_ms: int, camera: str = "cam-h") -> Frame:
    return Frame(camera, "s9", t_ms, 0, img.shape[1], img.shape[0], scenes.jpeg(img))


def handler(now_s: float) -> tuple[FrameHandler, MemoryPublisher]:
    pub = MemoryPublisher()
    return FrameHandler(pub, CameraPipelines(), max_age_s=5.0, clock=lambda: now_s), pub


def reason(r: Record) -> str:
    return dict(r.headers)["bk-dlq-reason"].decode()


async def test_covered_frames_open_an_event_keyed_by_camera() -> None:
    now = time.time()
    h, pub = handler(now)
    t0 = int(now * 1000) - 4000
    for i in range(20):
        await h.handle(record(make_frame(scenes.covered(seed=i), t0 + i * 200), i))
    [published] = pub.topics[EVENTS]
    event = Event.decode(published.value)
    assert published.key == b"cam-h"
    assert (event.rule, event.state, event.school_id) == ("camera_blocked", "open", "s9")
    assert pub.topics[DLQ] == []


async def test_garbage_and_contract_violations_are_dead_lettered_with_reasons() -> None:
    now = time.time()
    h, pub = handler(now)
    good = make_frame(scenes.kitchen(), int(now * 1000))
    wrong_size = Frame("cam-h", "s9", int(now * 1000), 1, 320, 200, good.jpeg)
    before = metrics.DEAD_LETTERS.labels("contract")._value.get()
    await h.handle(Record(FRAMES, 0, 7, b"cam-h", b"not a frame", ()))
    await h.handle(record(good, 8, value=b"\xff\xd8\xff" + b"\x00" * 50))  # JPEG magic, no picture
    await h.handle(record(wrong_size, 9))
    await h.handle(record(good, 10))  # and the next good frame is judged normally
    reasons = [reason(r) for r in pub.topics[DLQ]]
    assert len(reasons) == 3
    assert "missing header" in reasons[0]
    assert "could not be decoded" in reasons[1]
    assert "640x360, headers say 320x200" in reasons[2]
    assert [dict(r.headers)["bk-dlq-offset"] for r in pub.topics[DLQ]] == [b"7", b"8", b"9"]
    assert metrics.DEAD_LETTERS.labels("contract")._value.get() == before + 3


async def test_stale_frames_are_skipped_and_counted() -> None:
    now = time.time()
    h, pub = handler(now)
    before_stale, before_frames = metrics.STALE._value.get(), metrics.FRAMES._value.get()
    for i in range(20):  # covered long enough to alarm, but a minute old
        await h.handle(record(make_frame(scenes.covered(seed=i), int(now * 1000) - 60_000 + i * 200), i))
    assert pub.topics[EVENTS] == [] and pub.topics[DLQ] == []
    assert metrics.STALE._value.get() == before_stale + 20
    assert metrics.FRAMES._value.get() == before_frames


async def test_partition_drop_closes_open_incidents_of_those_cameras_only() -> None:
    now = time.time()
    h, _ = handler(now)
    t0 = int(now * 1000) - 4000
    for i in range(20):
        await h.handle(record(make_frame(scenes.covered(seed=i), t0 + i * 200), i))
    assert len(h.pipelines) == 1
    assert h.pipelines.drop_partitions({5}) == []  # not ours
    closes = h.pipelines.drop_partitions({2})
    assert [(e.state, e.message) for e in closes] == [("closed", "camera handed over to another detector")]
    assert len(h.pipelines) == 0


async def test_a_new_site_reconfigures_the_camera_before_its_next_frame() -> None:
    now = time.time()
    h, pub = handler(now)
    t0 = int(now * 1000) - 4000
    for i in range(20):
        await h.handle(record(make_frame(scenes.covered(seed=i), t0 + i * 200), i))
    site = Site.model_validate(
        {
            "schools": [
                {
                    "id": "s9",
                    "name": "S9",
                    "kitchens": [{"id": "k", "name": "K"}],
                    "cameras": [
                        {
                            "id": "cam-h",
                            "name": "C",
                            "kitchen": "k",
                            "url": "synthetic://a",
                            "rules": {"camera_blocked": {"enabled": False}},
                        },
                    ],
                }
            ]
        }
    )
    h.pipelines.apply_site(site)
    await h.handle(record(make_frame(scenes.covered(seed=99), t0 + 4000), 20))
    states = [Event.decode(r.value).state for r in pub.topics[EVENTS]]
    assert states == ["open", "closed"]
