"""Statistics (counts, medians, coverage, league table) and the CSV export, on both databases."""

import csv
import io
import time
from pathlib import Path

from api.db import Database
from api.event_store import upsert_event
from api.models import CameraStatusRow, EventRow
from api.stats import Window, coverage, league, response_times
from tests.api.conftest import RunningApi, make_event, seed

H = 3_600_000


async def _event(db: Database, school: str, started: int, **changes: object) -> None:
    ev = make_event(school, started=started)
    async with db.session() as s, s.begin():
        await upsert_event(s, ev)
        row = await s.get(EventRow, ev.id)
        assert row is not None
        for key, value in changes.items():
            setattr(row, key, value)


async def test_medians_and_league(db: Database, tmp_path: Path) -> None:
    await seed(db, tmp_path / "media")  # one open event per school, now
    base = int(time.time() * 1000) - 10 * H
    await _event(db, "school-a", base, status="closed", acknowledged_ms=base + 60_000, rectified_ms=base + H)
    await _event(db, "school-a", base + 1, status="rectified", acknowledged_ms=base + 1 + 180_000,
                 rectified_ms=base + 1 + 3 * H)
    await _event(db, "school-b", base + 2, status="dismissed", verdict="false_positive")
    window = Window(base - H, base + 20 * H)
    async with db.session() as s:
        times = await response_times(s, window)
        table = await league(s, window)
        mine = await league(s, Window(base - H, base + 20 * H, frozenset({"school-b"})))
    assert times["*"] == {"ack_s": 120.0, "rectify_s": 7200.0}
    # school-b: 1 violation (its dismissed one does not count), school-a: 3 over the same cameras and days
    assert [(r["school_id"], r["violations"], r["rank"]) for r in table] == [("school-b", 1, 1), ("school-a", 3, 2)]
    assert table[1]["median_rectify_s"] == 7200.0 and table[1]["rectified_share"] == round(2 / 3, 4)
    assert [r["school_id"] for r in mine] == ["school-b"]


async def test_coverage_from_status_changes(db: Database, tmp_path: Path) -> None:
    await seed(db, tmp_path / "media")
    t0 = 1_000 * H
    async with db.session() as s, s.begin():
        s.add_all([
            CameraStatusRow(camera_id="cam-a1", school_id="school-a", state="online", since_ms=t0 - H),  # before
            CameraStatusRow(camera_id="cam-a1", school_id="school-a", state="offline", since_ms=t0 + 6 * H),
            CameraStatusRow(camera_id="cam-a1", school_id="school-a", state="online", since_ms=t0 + 9 * H),
        ])
    async with db.session() as s:
        shares = await coverage(s, Window(t0, t0 + 10 * H), now_ms=t0 + 100 * H)
    assert shares["cam-a1"]["online_share"] == 0.7  # online 0-6 h and 9-10 h of 10 h
    assert shares["cam-b1"]["online_share"] == 0.0  # never reported: not known to be online


async def test_csv_export_is_excel_friendly_filtered_and_scoped(api: RunningApi) -> None:
    async with api.client("inspector") as inspector:
        answer = await inspector.get("/api/events/export.csv", params={"school_id": "school-b"})
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        assert answer.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
        assert [r["id"] for r in rows] == [api.events["b"].id] and rows[0]["rule_name"] == "视频遮挡"
        everything = list(csv.DictReader(io.StringIO((await inspector.get(
            "/api/events/export.csv", params={"order": "oldest"})).content.decode("utf-8-sig"))))
        assert [r["id"] for r in everything] == [api.events["a"].id, api.events["b"].id]
        assert (await inspector.get("/api/events/export.csv", params={"rule": "nope"})).status_code == 400


async def test_snapshot_boxes_are_drawn_on_a_copy(api: RunningApi) -> None:
    ev = api.events["a"].id
    async with api.client("manager_a") as manager:
        clean = (await manager.get(f"/api/events/{ev}/snapshot.jpg")).content
        boxed = (await manager.get(f"/api/events/{ev}/snapshot.jpg", params={"boxes": 1})).content
        again = (await manager.get(f"/api/events/{ev}/snapshot.jpg")).content
    import cv2
    import numpy as np

    picture = cv2.imdecode(np.frombuffer(boxed, np.uint8), cv2.IMREAD_COLOR)
    assert clean == again and boxed != clean
    blue, green, red = (int(c) for c in picture[30, 10])  # on the box's left edge (x=10)
    assert red - green > 40 and red - blue > 40  # the clean picture is grey (120, 120, 120) there
