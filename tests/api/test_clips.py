"""Evidence clips cut from the frames topic by time, on the one-topic and the bucketed layouts."""

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from api.clips.worker import NONE, ClipWorker
from api.db import Database
from api.event_store import upsert_event
from api.media import MediaStore
from api.models import EventRow
from core.broker import EmbeddedBroker
from core.bus import KafkaPublisher
from core.contracts import Frame
from core.frame_janitor import tidy_once
from core.frame_topics import FrameTopics
from tests.api.conftest import make_event

pytestmark = pytest.mark.kafka


def _frame(camera: str, ms: int, seq: int) -> Frame:
    img = np.zeros((120, 160, 3), np.uint8)
    cv2.putText(img, str(seq), (10, 80), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 3)
    return Frame(camera, "school-a", ms, seq, 160, 120, bytes(cv2.imencode(".jpg", img)[1].tobytes()))


async def _publish(bootstrap: str, topics: FrameTopics, start_ms: int, count: int) -> None:
    async with KafkaPublisher(bootstrap) as pub:
        for i in range(count):
            for cam in ("cam-a1", "cam-other"):
                frame = _frame(cam, start_ms + i * 200, i)
                await pub.publish(topics.topic_for(frame.captured_ms), frame.jpeg, key=frame.key,
                                  headers=frame.headers(), timestamp_ms=frame.captured_ms)


def _decoded_frames(path: Path) -> int:
    cap = cv2.VideoCapture(str(path))
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    return n


@pytest.mark.parametrize("bucket_s", [None, 10])
async def test_clip_covers_the_window_around_the_incident(
    fresh_broker: EmbeddedBroker, tmp_path: Path, bucket_s: int | None
) -> None:
    topics = FrameTopics(partitions=6, bucket_s=bucket_s, retention_s=600)
    now = int(time.time() * 1000)
    boundary = now // 10_000 * 10_000 - 10_000
    start = boundary - 9_500  # 100 frames at 5 fps; the clip window straddles a bucket boundary
    await tidy_once(fresh_broker.bootstrap, topics, start)
    await tidy_once(fresh_broker.bootstrap, topics, now)
    await _publish(fresh_broker.bootstrap, topics, start, 100)

    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'bk.db'}")
    await db.migrate()
    incident = start + 10_000  # frames 50: the window [45, 60] holds 16 frames
    async with db.session() as s, s.begin():
        await upsert_event(s, make_event(started=incident, camera="cam-a1"))
        await upsert_event(s, make_event(started=start - 3_600_000, camera="cam-a1", rule="intrusion"))
    media = MediaStore(tmp_path / "media")
    worker = ClipWorker(db, media, fresh_broker.bootstrap, topics, before_s=1.0, after_s=2.0)
    assert await worker.run_once() == 1  # the hour-old incident is past the retention
    assert await worker.run_once() == 0  # cut once
    async with db.session() as s:
        rows = {r.rule: r for r in (await s.execute(EventRow.__table__.select())).all()}
    row = rows["camera_blocked"]
    assert row.clip_path and row.clip_path.endswith(".webm") and len(row.clip_sha256) == 64
    path = media.resolve(row.clip_path)
    assert path is not None and path.read_bytes()[:4] == b"\x1a\x45\xdf\xa3"  # EBML: WebM
    assert _decoded_frames(path) == 16
    assert rows["intrusion"].clip_path is None
    await db.close()


async def test_no_frames_marks_the_event_without_a_clip(fresh_broker: EmbeddedBroker, tmp_path: Path) -> None:
    topics = FrameTopics(partitions=6)
    await tidy_once(fresh_broker.bootstrap, topics)
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'bk.db'}")
    await db.migrate()
    async with db.session() as s, s.begin():
        await upsert_event(s, make_event(started=int(time.time() * 1000) - 30_000, camera="cam-a1"))
    worker = ClipWorker(db, MediaStore(tmp_path / "m"), fresh_broker.bootstrap, topics, 1.0, 2.0)
    assert await worker.run_once() == 1
    async with db.session() as s:
        row = (await s.execute(EventRow.__table__.select())).one()
    assert row.clip_path == NONE and row.clip_sha256 is None
    await db.close()


async def test_frames_are_found_on_the_camera_s_placed_partition_and_after_the_site_moved_it(
    fresh_broker: EmbeddedBroker,
) -> None:
    """Ingest publishes a camera on the partition the site places it on (core.placement), not
    where its key hashes; without the site, or after the site moved the camera, the reader
    looks at the other partitions too."""
    from api.clips.reader import read_window
    from core.placement import FramePlacement, hashed_partition

    topics = FrameTopics(partitions=6)
    await tidy_once(fresh_broker.bootstrap, topics)
    placement = FramePlacement(6, {"cam-a1": 4, "cam-other": 0})
    assert hashed_partition("cam-a1", 6) != 4
    start = int(time.time() * 1000) - 20_000
    async with KafkaPublisher(fresh_broker.bootstrap) as pub:
        for i in range(30):
            for cam in ("cam-a1", "cam-other"):
                frame = _frame(cam, start + i * 200, i)
                await pub.publish(topics.topic_for(frame.captured_ms), frame.jpeg, key=frame.key,
                                  headers=frame.headers(), timestamp_ms=frame.captured_ms,
                                  partition=placement.partition(cam))
    window = (start + 1000, start + 3000)  # frames 5..15
    placed = await read_window(fresh_broker.bootstrap, topics, "cam-a1", *window, placement)
    assert [f.seq for f in placed] == list(range(5, 16))
    moved = FramePlacement(6, {"cam-a1": 2})
    for guess in (moved, None):
        found = await read_window(fresh_broker.bootstrap, topics, "cam-a1", *window, guess)
        assert [f.seq for f in found] == list(range(5, 16)), guess
