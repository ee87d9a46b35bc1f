"""The camera status state machine (pure: fed transitions and stats)."""

from ingest.reader import ReaderStats, Transition
from ingest.status import SETTLE_S, StatusTracker


def _stats(connected: bool = True, last: float | None = 0.0, fps: float = 10.0) -> ReaderStats:
    return ReaderStats(
        frames_read=1, reconnects=0, connected=connected, last_frame_monotonic=last, fps=fps, nominal_fps=None
    )


def test_online_offline_online_with_reason() -> None:
    tr = StatusTracker("c1", "s1", stall_s=5)
    out = tr.update([Transition("online", "", 1000)], _stats(last=0.0), 0.1, 1100)
    assert [(s.state, s.since_ms) for s in out] == [("online", 1000)]
    out = tr.update([Transition("offline", "stream ended", 2000)], _stats(connected=False), 1.0, 2100)
    assert [(s.state, s.reason, s.camera_id, s.school_id) for s in out] == [("offline", "stream ended", "c1", "s1")]
    # Retries failing for the same reason are not news.
    assert tr.update([Transition("offline", "stream ended", 2500)], _stats(connected=False), 1.5, 2600) == []
    out = tr.update([Transition("offline", "cannot connect", 3000)], _stats(connected=False), 2.0, 3100)
    assert [s.reason for s in out] == ["cannot connect"]
    out = tr.update([Transition("online", "", 4000)], _stats(last=3.0), 3.0, 4100)
    assert [s.state for s in out] == ["online"]


def test_fast_flaps_are_all_reported_in_order() -> None:
    tr = StatusTracker("c1", "s1")
    events = [Transition("online", "", 1), Transition("offline", "stream ended", 2), Transition("online", "", 3)]
    assert [s.state for s in tr.update(events, _stats(last=0.0), 0.0, 10)] == ["online", "offline", "online"]


def test_stalled_then_back() -> None:
    tr = StatusTracker("c1", "s1", stall_s=5)
    tr.update([Transition("online", "", 0)], _stats(last=0.0), 0.0, 0)
    assert tr.update([], _stats(last=0.0), 4.0, 4000) == []
    out = tr.update([], _stats(last=0.0), 6.0, 6000)
    assert [(s.state, s.reason) for s in out] == [("stalled", "no new picture for 6 s")]
    assert tr.update([], _stats(last=0.0), 7.0, 7000) == []
    assert [s.state for s in tr.update([], _stats(last=7.5), 7.6, 7600)] == ["online"]


def test_degraded_against_the_cameras_own_rate() -> None:
    tr = StatusTracker("c1", "s1", stall_s=5)
    tr.update([Transition("online", "", 0)], _stats(last=0.0, fps=10), 0.0, 0)
    t = SETTLE_S + 0.5
    assert tr.update([], _stats(last=t, fps=10), t, 0) == []
    out = tr.update([], _stats(last=t + 1, fps=3), t + 1, 0)
    assert [s.state for s in out] == ["degraded"]
    assert "3.0 fps, usually 10.0 fps" in out[0].reason
    assert tr.update([], _stats(last=t + 2, fps=6), t + 2, 0) == []  # hysteresis
    assert [s.state for s in tr.update([], _stats(last=t + 3, fps=9), t + 3, 0)] == ["online"]


def test_no_judgement_of_rate_while_settling() -> None:
    tr = StatusTracker("c1", "s1")
    tr.update([Transition("online", "", 0)], _stats(last=0.0, fps=1), 0.0, 0)
    assert tr.update([], _stats(last=1.0, fps=0.5), 1.0, 0) == []


def test_heartbeat_repeats_the_current_state() -> None:
    tr = StatusTracker("c1", "s1")
    assert tr.current(5) is None
    tr.update([Transition("offline", "cannot connect", 100)], _stats(connected=False), 0.0, 100)
    beat = tr.current(20_000)
    assert beat is not None
    assert (beat.state, beat.reason, beat.since_ms, beat.reported_ms) == ("offline", "cannot connect", 100, 20_000)
