"""The commit hold-back: never past the first frame of an incident this worker has open."""

from aiokafka import TopicPartition

from core.bus import Record
from core.contracts import Event, event_id
from detectors.holdback import HoldBack

TP = TopicPartition("bk.frames", 0)


def _frame(offset: int, camera: str, ms: int) -> Record:
    return Record("bk.frames", 0, offset, camera.encode(), b"jpeg", (("bk-captured-ms", str(ms).encode()),))


def _event(camera: str, started: int, state: str) -> Event:
    return Event(id=event_id(camera, "camera_blocked", None, started), rule="camera_blocked", tier=1,
                 state=state, school_id="s", camera_id=camera, started_ms=started,
                 last_seen_ms=started, ended_ms=started + 1 if state == "closed" else None, score=1.0)


def test_commit_waits_at_the_first_frame_of_an_open_incident() -> None:
    hb = HoldBack(max_hold_s=60, window_s=0.1)
    now = 1_000_000
    for offset, (cam, ms) in enumerate([("a", now - 900), ("b", now - 800), ("a", now - 700), ("a", now - 600)]):
        hb.observe_record(TP, _frame(offset, cam, ms))
    assert hb.commit_offset(TP, 4, now) == 4  # nothing open: everything judged may be committed
    for offset, (cam, ms) in enumerate([("a", now - 500), ("b", now - 400), ("a", now - 300)], start=4):
        hb.observe_record(TP, _frame(offset, cam, ms))
    hb.observe_events([_event("a", now - 500, "open")])
    assert hb.commit_offset(TP, 7, now) == 4  # camera a's incident began at offset 4
    hb.observe_record(TP, _frame(4, "a", now - 500))  # re-read after a rebalance: ignored
    hb.observe_events([_event("a", now - 500, "closed")])
    assert hb.commit_offset(TP, 7, now) == 7


def test_a_hold_older_than_the_limit_is_let_go() -> None:
    hb = HoldBack(max_hold_s=10, window_s=0)
    hb.observe_record(TP, _frame(0, "a", 1_000))
    hb.observe_events([_event("a", 1_000, "open")])
    assert hb.commit_offset(TP, 1, 5_000) == 0
    assert hb.commit_offset(TP, 1, 20_000) == 1  # a new owner would open it again under a new id


def test_commits_trail_the_newest_frames_by_the_window() -> None:
    """An incident still in its dwell is invisible here: its first frame must stay uncommitted."""
    hb = HoldBack(window_s=5)
    for offset, ms in enumerate(range(0, 10_000, 1000)):
        hb.observe_record(TP, _frame(offset, "a", ms))
    assert hb.commit_offset(TP, 10, 10_000) == 5  # frames captured at 5 s..9 s stay uncommitted
    assert hb.commit_offset(TP, 10, 100_000) == 10


def test_dead_letters_and_moved_partitions_hold_nothing() -> None:
    hb = HoldBack(window_s=0)
    hb.observe_record(TP, Record("bk.frames", 0, 0, b"junk", b"x", ()))
    assert hb.commit_offset(TP, 1, 0) == 1
    hb.observe_record(TP, _frame(1, "a", 10))
    hb.observe_events([_event("a", 10, "open")])
    hb.forget({TP})
    assert hb.commit_offset(TP, 2, 20) == 2
