"""A camera's health as a small state machine: online, offline (with reason), stalled, degraded.

Pure logic: the service feeds it the reader's transitions and statistics and publishes the
:class:`~core.contracts.CameraStatus` values it returns. Degraded is judged against the rate
the camera itself sustained while healthy, because many streams (MJPEG) report a wrong fps.
"""

from core.contracts import CameraState, CameraStatus
from ingest.reader import ReaderStats, Transition

DEGRADED_BELOW = 0.5  # fraction of the healthy rate under which a camera is degraded
RECOVERED_ABOVE = 0.7
SETTLE_S = 4.0  # a fresh connection's rate is not judged before this


class StatusTracker:
    """Turns reader events and stats into status changes for one camera."""

    def __init__(self, camera_id: str, school_id: str, stall_s: float = 5.0) -> None:
        self.camera_id = camera_id
        self.school_id = school_id
        self.stall_s = stall_s
        self.state: CameraState | None = None
        self.reason = ""
        self.since_ms = 0
        self._online_since: float | None = None  # monotonic
        self._baseline_fps = 0.0
        self._fps = 0.0

    def update(self, transitions: list[Transition], stats: ReaderStats, now: float, now_ms: int) -> list[CameraStatus]:
        """Apply what happened since the last call; return the statuses to publish, in order."""
        out: list[CameraStatus] = []
        self._fps = stats.fps
        for tr in transitions:
            if tr.state == "online":
                self._online_since = now
                self._baseline_fps = 0.0
                self._set("online", "", tr.at_ms, now_ms, out)
            else:
                self._online_since = None
                self._set("offline", tr.reason, tr.at_ms, now_ms, out)
        if self._online_since is None or not stats.connected:
            return out
        last = stats.last_frame_monotonic if stats.last_frame_monotonic is not None else self._online_since
        age = now - last
        if age >= self.stall_s:
            self._set("stalled", f"no new picture for {age:.0f} s", now_ms, now_ms, out)
            return out
        settled = now - self._online_since >= SETTLE_S
        if settled and self.state != "stalled":
            self._baseline_fps = max(self._baseline_fps, stats.fps)
        base = self._baseline_fps
        if settled and base >= 1.0 and stats.fps < DEGRADED_BELOW * base:
            self._set("degraded", f"capture rate {stats.fps:.1f} fps, usually {base:.1f} fps", now_ms, now_ms, out)
        elif self.state in ("stalled",) or (self.state == "degraded" and stats.fps >= RECOVERED_ABOVE * base):
            self._set("online", "", now_ms, now_ms, out)
        return out

    def _set(self, state: CameraState, reason: str, since_ms: int, now_ms: int, out: list[CameraStatus]) -> None:
        if state == self.state and (state != "offline" or reason == self.reason):
            return
        self.state, self.reason, self.since_ms = state, reason, since_ms
        out.append(self._status(now_ms))

    def current(self, now_ms: int) -> CameraStatus | None:
        """The present status again (a heartbeat), or None before the first one."""
        return self._status(now_ms) if self.state is not None else None

    def _status(self, now_ms: int) -> CameraStatus:
        assert self.state is not None
        return CameraStatus(
            camera_id=self.camera_id,
            school_id=self.school_id,
            state=self.state,
            reason=self.reason[:500],
            since_ms=self.since_ms,
            fps=round(max(0.0, self._fps), 2),
            reported_ms=now_ms,
        )
