"""The shared incident state machine: dwell, re-alarm, cooldown, clear, ids, replay."""

import pytest

from core.contracts import Event, Frame, event_id
from detectors.rules.base import Finding
from detectors.rules.incident import IncidentKey, IncidentMachine, IncidentPolicy

KEY = IncidentKey("cam1", "school1", "k1", "camera_blocked", None, "1")
JPEG = b"\xff\xd8\xff\xe0fake"


def frame(t_ms: int) -> Frame:
    # A distinct payload per frame so tests can see which frame's bytes became the snapshot.
    return Frame("cam1", "school1", t_ms, t_ms // 200, 64, 48, JPEG + str(t_ms).encode())


def drive(machine: IncidentMachine, timeline: list[tuple[int, bool]]) -> list[Event]:
    events = []
    for t, cond in timeline:
        ev = machine.step(frame(t), 64, 48, Finding(cond, 0.8 if cond else 0.1, message="x" if cond else ""))
        if ev is not None:
            events.append(ev)
    return events


def run(t0: float, t1: float, cond: bool, fps: float = 5.0) -> list[tuple[int, bool]]:
    """Frames every 1/fps seconds from t0 (inclusive) to t1 (exclusive), times in ms."""
    step = round(1000 / fps)
    return [(t, cond) for t in range(round(t0 * 1000), round(t1 * 1000), step)]


def policy(dwell: float = 3, realarm: float = 30, clear: float = 5) -> IncidentPolicy:
    return IncidentPolicy(tier=1, dwell_s=dwell, realarm_s=realarm, clear_s=clear)


@pytest.mark.parametrize(
    ("dwell", "true_for", "opened_at_ms"),
    [(3, 10, 3000), (0, 1, 0), (2.5, 10, 2600), (3, 2.8, None)],
)
def test_open_waits_for_dwell(dwell: float, true_for: float, opened_at_ms: int | None) -> None:
    m = IncidentMachine(KEY, policy(dwell=dwell))
    events = drive(m, run(0, true_for, True))
    opens = [e for e in events if e.state == "open"]
    if opened_at_ms is None:
        assert opens == []
        return
    assert len(opens) == 1
    assert opens[0].started_ms == 0  # the first frame of the condition, not the alarm frame
    assert opens[0].last_seen_ms == opened_at_ms


@pytest.mark.parametrize(
    ("gap_s", "started_ms"),
    [(0.4, 0), (0.8, 0), (1.2, 2800)],  # dropouts under a second keep the dwell running
)
def test_short_dropout_keeps_dwell_long_one_restarts_it(gap_s: float, started_ms: int) -> None:
    m = IncidentMachine(KEY, policy(dwell=3))
    timeline = run(0, 1.6, True) + run(1.6, 1.6 + gap_s, False) + run(1.6 + gap_s, 10, True)
    opens = [e for e in drive(m, timeline) if e.state == "open"]
    assert [e.started_ms for e in opens] == [started_ms]


@pytest.mark.parametrize(
    ("gap_s", "compliant_after", "started_ms"),
    [(3.0, False, 0), (3.8, False, 0), (4.4, False, 6000), (2.0, True, 4800)],
)
def test_unseen_frames_pause_the_dwell_and_a_compliant_judgement_ends_it(
    gap_s: float, compliant_after: bool, started_ms: int
) -> None:
    """Unseen (nobody measurable) up to 4 s keeps the dwell; a compliant frame after it ends it."""
    m = IncidentMachine(KEY, policy(dwell=3))
    timeline = [(t, Finding(True, 0.8)) for t, _ in run(0, 1.6, True)]
    timeline += [(t, Finding(False, unseen=True)) for t, _ in run(1.6, 1.6 + gap_s, False)]
    end = 1.6 + gap_s
    if compliant_after:
        timeline += [(t, Finding(False)) for t, _ in run(end, end + 1.2, False)]
        end += 1.2
    timeline += [(t, Finding(True, 0.8)) for t, _ in run(end, 12, True)]
    opens = []
    for t, finding in timeline:
        ev = m.step(frame(t), 64, 48, finding)
        if ev is not None and ev.state == "open":
            opens.append(ev)
    assert [e.started_ms for e in opens] == [started_ms]


@pytest.mark.parametrize(("unseen_after", "started_ms"), [(False, 0), (True, 5000)])
def test_a_compliant_look_ends_the_dwell_even_when_unseen_frames_follow(unseen_after: bool, started_ms: int) -> None:
    """Offending 1 s, then one compliant look: offending again 0.6 s later is a dropout (the dwell
    runs on); unseen frames until 5 s after it are no pause (the offence begins again at 5 s)."""
    m = IncidentMachine(KEY, policy(dwell=3))
    timeline = [(t, Finding(True, 0.8)) for t, _ in run(0, 1.0, True)]
    timeline += [(t, Finding(False)) for t, _ in run(1.0, 1.2, False)]
    back = 5.0 if unseen_after else 1.6
    timeline += [(t, Finding(False, unseen=True)) for t, _ in run(1.2, back, False)]
    timeline += [(t, Finding(True, 0.8)) for t, _ in run(back, 12, True)]
    opened = [ev for t, f in timeline if (ev := m.step(frame(t), 64, 48, f)) is not None and ev.state == "open"]
    assert [e.started_ms for e in opened] == [started_ms]


@pytest.mark.parametrize(("looks", "opens"), [(1, False), (6, True)])
def test_a_dwell_bridged_by_unseen_frames_needs_evidence_on_a_quarter_of_them(looks: int, opens: bool) -> None:
    """Offending on ``looks`` frames at the start, nobody measurable for 3 s, offending for 0.4 s,
    then compliant: one look and two more 3 s later is no evidence of a 3 s violation (a hatted
    cook misread twice); six looks and the first after the pause are (7 of 22 frames)."""
    m = IncidentMachine(KEY, policy(dwell=3))
    t0 = looks * 0.2
    timeline = [(t, Finding(True, 0.8)) for t, _ in run(0, t0, True)]
    timeline += [(t, Finding(False, unseen=True)) for t, _ in run(t0, t0 + 3.0, False)]
    timeline += [(t, Finding(True, 0.8)) for t, _ in run(t0 + 3.0, t0 + 3.4, True)]
    timeline += [(t, Finding(False)) for t, _ in run(t0 + 3.4, t0 + 6, False)]
    opened = [ev for t, f in timeline if (ev := m.step(frame(t), 64, 48, f)) is not None and ev.state == "open"]
    assert bool(opened) == opens


@pytest.mark.parametrize(("realarm", "expected_updates"), [(2, [5000, 7000, 9000]), (30, []), (0, None)])
def test_updates_at_most_every_realarm(realarm: float, expected_updates: list[int] | None) -> None:
    m = IncidentMachine(KEY, policy(dwell=3, realarm=realarm))
    events = drive(m, run(0, 10, True))
    updates = [e.last_seen_ms for e in events if e.state == "update"]
    if expected_updates is None:  # realarm 0 still means at most one update a second
        assert updates == list(range(4000, 10000, 1000))
    else:
        assert updates == expected_updates
    assert all(e.id == events[0].id for e in events)


@pytest.mark.parametrize(("clear", "closed_at_ms"), [(5, 15000), (0, 10000), (1, 11000)])
def test_closes_after_clear_time(clear: float, closed_at_ms: int) -> None:
    m = IncidentMachine(KEY, policy(dwell=3, realarm=60, clear=clear))
    events = drive(m, run(0, 10, True) + run(10, 20, False))
    assert [e.state for e in events] == ["open", "closed"]
    closed = events[-1]
    assert closed.ended_ms == 10000  # the first frame without the condition
    assert closed.last_seen_ms == 9800
    assert closed.id == events[0].id
    assert closed.snapshot_jpeg is None
    # and it is emitted on the frame that completes the clear time
    m2 = IncidentMachine(KEY, policy(dwell=3, realarm=60, clear=clear))
    seen = drive(m2, run(0, 10, True) + run(10, closed_at_ms / 1000, False))
    assert [e.state for e in seen] == ["open"]


def test_cooldown_blocks_reopen_until_realarm_since_last_open() -> None:
    m = IncidentMachine(KEY, policy(dwell=1, realarm=20, clear=1))
    # open at 1.0 s, cleared at 3 s, true again from 5 s: cannot re-open before 21 s
    events = drive(m, run(0, 3, True) + run(3, 5, False) + run(5, 30, True))
    assert [(e.state, e.started_ms) for e in events if e.state != "update"] == [
        ("open", 0),
        ("closed", 0),
        ("open", 5000),
    ]
    assert events[-1].last_seen_ms == 21000
    assert events[0].id != events[-1].id


def test_event_ids_are_deterministic_and_replay_gives_the_same_events() -> None:
    timeline = run(0, 10, True) + run(10, 20, False) + run(40, 50, True)
    first = drive(IncidentMachine(KEY, policy(dwell=3, realarm=5)), timeline)
    replay = drive(IncidentMachine(KEY, policy(dwell=3, realarm=5)), timeline)
    assert [e.model_dump() for e in first] == [e.model_dump() for e in replay]
    opens = [e for e in first if e.state == "open"]
    assert [e.id for e in opens] == [event_id("cam1", "camera_blocked", None, s) for s in (0, 40000)]


def test_open_carries_the_original_jpeg_of_the_opening_frame_only() -> None:
    events = drive(IncidentMachine(KEY, policy(dwell=3, realarm=2)), run(0, 8, True))
    assert events[0].state == "open"
    assert events[0].snapshot_jpeg == frame(3000).jpeg
    assert all(e.snapshot_jpeg is None for e in events[1:])
    assert (events[0].tier, events[0].frame_width, events[0].frame_height) == (1, 64, 48)
    assert Event.decode(events[0].encode()) == events[0]


def test_frames_out_of_order_are_ignored() -> None:
    m = IncidentMachine(KEY, policy(dwell=1))
    events = drive(m, [(5000, True), (4000, True), (5600, True), (6000, True)])
    assert [(e.state, e.started_ms) for e in events] == [("open", 5000)]


def test_close_now_reports_reason_and_nothing_when_idle() -> None:
    m = IncidentMachine(KEY, policy(dwell=0))
    assert m.close(100, "handed over") is None
    drive(m, [(0, True), (200, True)])
    closed = m.close(400, "handed over")
    assert closed is not None and closed.state == "closed" and closed.message == "handed over"
    assert not m.is_open
