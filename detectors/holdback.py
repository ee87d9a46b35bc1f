"""Which offset a detector may commit while incidents are open.

A detector that dies takes its cameras' incident state with it; the new owner replays frames from
the group's committed offset. If that offset lies inside an open incident, the new owner sees the
incident start later, derives another event id and stores the incident twice, while the first
copy stays open forever. So the worker commits no further than the first frame of any incident it
has opened and not closed (kept for at most ``max_hold_s``): the new owner replays from that
frame, derives the same id, and its open/close land as updates of the same incident.

An incident is only seen here once it opens, after its rule's dwell; by then its first frame must
not be committed yet. So commits also trail the newest frames by ``window_s``, which covers the
dwell of every rule but bin_open (30 s) and stove_unattended (60 s): those two can still be
stored twice when a detector dies while they are open. A new owner re-judges ``window_s`` of
frames, at most, plus what arrived during the takeover.

Only the events the worker itself publishes are needed: no access to rule internals.
"""

from collections import deque
from dataclasses import dataclass, field

from aiokafka import TopicPartition

from core.bus import Record
from core.contracts import Event
from core.contracts.frame import H_TIME


@dataclass(slots=True)
class _Seen:
    offset: int
    camera_id: str
    captured_ms: int


@dataclass
class HoldBack:
    max_hold_s: float = 120.0
    window_s: float = 15.0
    _open: dict[str, dict[str, int]] = field(default_factory=dict)  # camera -> event id -> started_ms
    _seen: dict[TopicPartition, deque[_Seen]] = field(default_factory=dict)

    def observe_events(self, events: list[Event]) -> None:
        """Follow the incidents this worker opens and closes."""
        for ev in events:
            per_camera = self._open.setdefault(ev.camera_id, {})
            if ev.state == "closed":
                per_camera.pop(ev.id, None)
                if not per_camera:
                    del self._open[ev.camera_id]
            else:
                per_camera[ev.id] = ev.started_ms

    def observe_record(self, tp: TopicPartition, record: Record) -> None:
        camera = (record.key or b"").decode(errors="replace")
        captured = next((v for k, v in record.headers if k == H_TIME), b"")
        if not camera or not captured.isdigit():
            return  # not a frame (dead-lettered): nothing can depend on it
        seen = self._seen.setdefault(tp, deque())
        if seen and record.offset <= seen[-1].offset:
            return  # re-read after a rebalance gave the partition back: already noted
        seen.append(_Seen(record.offset, camera, int(captured)))

    def commit_offset(self, tp: TopicPartition, next_offset: int, now_ms: int) -> int:
        """The offset to commit for ``tp`` once everything before ``next_offset`` is judged."""
        seen = self._seen.get(tp)
        if not seen:
            return next_offset
        oldest = now_ms - self.max_hold_s * 1000
        recent = now_ms - self.window_s * 1000
        holds = {cam: min(starts.values()) for cam, starts in self._open.items()}
        commit = next_offset
        for entry in seen:
            hold = holds.get(entry.camera_id)
            if entry.captured_ms >= recent or (hold is not None and oldest <= hold <= entry.captured_ms):
                commit = entry.offset
                break
        while seen and seen[0].offset < commit:
            seen.popleft()  # committed: never replayed from here
        return commit

    def next_offset(self, tp: TopicPartition) -> int | None:
        """The offset after the newest frame of ``tp`` this worker read, if it still has it."""
        seen = self._seen.get(tp)
        return seen[-1].offset + 1 if seen else None

    def forget(self, partitions: set[TopicPartition]) -> None:
        """Partitions that moved to another worker (their cameras' incidents were closed)."""
        for tp in partitions:
            self._seen.pop(tp, None)
