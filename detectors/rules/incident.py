"""The incident state machine every rule shares: dwell, re-alarm, cooldown, clear.

Per frame a rule says whether its condition holds; the machine turns that into at most one
event: ``open`` once the condition has held ``dwell_s``, ``update`` at most every ``realarm_s``
while it keeps holding, ``closed`` after ``clear_s`` without it. After an open, the same incident
key does not open again before ``realarm_s`` has passed (cooldown). The event id is derived from
the capture time of the incident's first frame, so replaying the same frames gives the same ids.
"""

from dataclasses import dataclass

from core.contracts import Event, EventState, Frame, event_id
from core.contracts.event import MAX_SNAPSHOT_BYTES
from core.site import EffectiveRule
from detectors.rules.base import Finding

MIN_UPDATE_S = 1.0  # realarm 0 must not mean an update per frame
DROPOUT_S = 1.0  # a dropout this short (a frame or two) does not restart the dwell
# Frames the rule could not judge (the offender hidden behind a colleague, turned away, missed by
# the person detector) pause the dwell for this long; a frame judged compliant still ends it,
# DROPOUT_S after the first such frame, whatever the frames since: compliant looks followed by
# unseen ones are not a pause (tuning no_uniform seed 22: a misread mask, 0.8 s of compliant
# looks, 2 s unseen, and the misread again made a false no_mask alert).
UNSEEN_S = 4.0
# An incident opens only when the condition held on at least this share of the frames since the
# dwell began: pauses may bridge gaps, not stand in for the evidence. Two misread looks at a
# hatted cook 3.4 s apart, nobody measurable between, were a "3 s dwell" (tuning scenes).
MIN_EVIDENCE = 0.25


@dataclass(frozen=True, slots=True)
class IncidentPolicy:
    tier: int
    dwell_s: float
    realarm_s: float
    clear_s: float

    @classmethod
    def from_rule(cls, rule: EffectiveRule) -> "IncidentPolicy":
        return cls(rule.tier, rule.dwell_s, rule.realarm_s, rule.clear_s)


@dataclass(frozen=True, slots=True)
class IncidentKey:
    """Who an incident belongs to; part of every event it produces."""

    camera_id: str
    school_id: str
    kitchen_id: str
    rule: str
    zone: str | None
    rule_version: str


@dataclass(slots=True)
class _Open:
    started_ms: int
    last_seen_ms: int
    last_emit_ms: int
    peak: float
    finding: Finding
    width: int
    height: int
    false_since_ms: int | None = None


class IncidentMachine:
    """One (camera, rule, zone) incident track. Feed it every frame in capture-time order."""

    def __init__(self, key: IncidentKey, policy: IncidentPolicy) -> None:
        self.key = key
        self.policy = policy
        self._pending_ms: int | None = None  # first frame of the condition, not yet open
        self._pending_false_ms: int | None = None
        self._pending_ok_ms: int | None = None  # the first compliant frame since the condition last held
        self._pending_frames = self._pending_hits = 0  # frames since the dwell began, and with the condition
        self._open: _Open | None = None
        self._last_open_ms: int | None = None  # capture time of the frame that last opened
        self._last_ms: int | None = None

    @property
    def is_open(self) -> bool:
        return self._open is not None

    def step(self, frame: Frame, width: int, height: int, finding: Finding) -> Event | None:
        """Advance with one frame; ``finding.condition`` False also covers 'rule not armed now'."""
        t = frame.captured_ms
        if self._last_ms is not None and t < self._last_ms:
            return None  # out of order or replayed: time never runs backwards for an incident
        self._last_ms = t
        if self._open is not None:
            return self._step_open(self._open, t, finding)
        return self._step_idle(frame, width, height, finding)

    def _step_idle(self, frame: Frame, width: int, height: int, finding: Finding) -> Event | None:
        t, p = frame.captured_ms, self.policy
        if not finding.condition:
            if self._pending_ms is not None:
                self._pending_frames += 1
                self._pending_false_ms = self._pending_false_ms if self._pending_false_ms is not None else t
                if not finding.unseen and self._pending_ok_ms is None:
                    self._pending_ok_ms = t
                gap = UNSEEN_S if finding.unseen else DROPOUT_S
                ok_for = t - self._pending_ok_ms if self._pending_ok_ms is not None else 0
                paused, dropped = t - self._pending_false_ms, min(p.clear_s, DROPOUT_S) * 1000
                if paused >= min(p.clear_s, gap) * 1000 or ok_for >= dropped:
                    self._pending_ms = self._pending_false_ms = self._pending_ok_ms = None
            return None
        self._pending_false_ms = self._pending_ok_ms = None
        if self._pending_ms is None:
            self._pending_ms, self._pending_frames, self._pending_hits = t, 0, 0
        self._pending_frames += 1
        self._pending_hits += 1
        if t - self._pending_ms < p.dwell_s * 1000 or self._pending_hits < MIN_EVIDENCE * self._pending_frames:
            return None
        if self._last_open_ms is not None and t - self._last_open_ms < p.realarm_s * 1000:
            return None  # cooldown after the last alarm of this incident key
        started = self._pending_ms
        self._pending_ms = None
        self._last_open_ms = t
        self._open = _Open(started, t, t, finding.score, finding, width, height)
        # The original JPEG, untouched; one too big for the event contract is left out, not re-encoded.
        snapshot = frame.jpeg if len(frame.jpeg) <= MAX_SNAPSHOT_BYTES else None
        return self._event(self._open, "open", finding, snapshot=snapshot)

    def _step_open(self, inc: _Open, t: int, finding: Finding) -> Event | None:
        p = self.policy
        if finding.condition:
            inc.last_seen_ms, inc.false_since_ms, inc.finding = t, None, finding
            inc.peak = max(inc.peak, finding.score)
            if t - inc.last_emit_ms >= max(p.realarm_s, MIN_UPDATE_S) * 1000:
                inc.last_emit_ms = t
                return self._event(inc, "update", finding)
            return None
        if inc.false_since_ms is None:
            inc.false_since_ms = t
        if t - inc.false_since_ms >= p.clear_s * 1000:
            return self.close(inc.false_since_ms)
        return None

    def close(self, ended_ms: int, reason: str = "") -> Event | None:
        """Close the open incident now (condition cleared, rule removed, camera handed over)."""
        inc, self._open = self._open, None
        self._pending_ms = self._pending_false_ms = self._pending_ok_ms = None
        if inc is None:
            return None
        ended = max(ended_ms, inc.last_seen_ms)
        seconds = (ended - inc.started_ms) / 1000
        last = Finding(False, inc.peak, inc.finding.detections, reason or f"cleared after {seconds:.0f} s")
        return self._event(inc, "closed", last, ended_ms=ended)

    def _event(
        self,
        inc: _Open,
        state: EventState,
        finding: Finding,
        *,
        snapshot: bytes | None = None,
        ended_ms: int | None = None,
    ) -> Event:
        k = self.key
        return Event(
            id=event_id(k.camera_id, k.rule, k.zone, inc.started_ms),
            rule=k.rule,
            tier=self.policy.tier,
            state=state,
            school_id=k.school_id,
            kitchen_id=k.kitchen_id,
            camera_id=k.camera_id,
            started_ms=inc.started_ms,
            last_seen_ms=inc.last_seen_ms,
            ended_ms=ended_ms,
            score=min(max(inc.peak if state == "closed" else finding.score, 0.0), 1.0),
            boxes=finding.detections.to_boxes(),
            zone=k.zone,
            rule_version=k.rule_version,
            frame_width=inc.width,
            frame_height=inc.height,
            message=finding.message[:500],
            snapshot_jpeg=snapshot,
        )
