"""The detectors' partition assignor: partition p of every frame topic to one member, sticky.

aiokafka's default, round-robin over every topic-partition, fits neither need of the detectors:
- Aligned. On the embedded broker a detector reads several frame buckets at once (the one being
  drained and the next ones). Round-robin deals ``b7:0`` to one member and ``b8:0`` to another
  whenever the partition count is not a multiple of the member count, so a camera's frames would
  be judged by two detectors at a time. Here partition number p goes to one member for every
  topic, so a camera has one owner.
- Even in cameras. Ingest puts camera i on partition i mod P (:mod:`core.placement`), so low
  partitions carry the extra cameras; numbers are dealt to member slots as p mod M, which gives
  each member ⌊N/M⌋ or ⌈N/M⌉ cameras whenever M divides P.
- Sticky. Each member tells the leader which partition numbers it owned (in the join metadata);
  slots go to the members that owned most of them. A detector re-joining for a new frame bucket
  keeps its cameras and their rule state (dwell timers, background models).

Pass one instance per process (it remembers what it owns across consumers) and keep aiokafka's
round-robin second in the list, so a group with an older member still forms.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aiokafka.cluster import ClusterMetadata
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment, ConsumerProtocolMemberMetadata

log = logging.getLogger(__name__)
Plan = dict[str, dict[str, list[int]]]  # member id → topic → partitions


@dataclass(frozen=True)
class Member:
    subscription: frozenset[str]
    owned: frozenset[int] = frozenset()


def encode_owned(owned: Iterable[int]) -> bytes:
    return ",".join(str(p) for p in sorted(owned)).encode()


def decode_owned(data: bytes | None) -> frozenset[int]:
    """Partition numbers from a member's metadata; anything unreadable counts as none."""
    try:
        return frozenset(int(p) for p in (data or b"").decode().split(",") if p)
    except (UnicodeDecodeError, ValueError):
        return frozenset()


def _slots(members: Mapping[str, Member], numbers: list[int]) -> dict[int, str]:
    """Slot k (partition numbers at positions ≡ k mod M) → member: largest overlap with what the
    member owned first; on a tie the member that owned less (a member re-joining after a short
    absence gets its numbers back from the one that covered for it); then by member id, so
    every leader computes the same answer."""
    ids = sorted(members)
    groups = [set(numbers[k :: len(ids)]) for k in range(len(ids))]
    pairs = sorted(
        (-len(members[m].owned & g), len(members[m].owned), m, k) for m in ids for k, g in enumerate(groups)
    )
    slot_of: dict[str, int] = {}
    taken: set[int] = set()
    for _, _, member, k in pairs:
        if member not in slot_of and k not in taken:
            slot_of[member] = k
            taken.add(k)
    return {number: next(m for m, k in slot_of.items() if k == i % len(ids)) for i, number in enumerate(numbers)}


def plan(partitions: Mapping[str, Iterable[int]], members: Mapping[str, Member]) -> Plan:
    """The assignment of ``partitions`` (topic → partition numbers) to ``members``.

    A topic only some members subscribe to (members switch frame buckets one after another) goes
    to its number's owner when subscribed, else to the subscribed member holding the fewest."""
    out: Plan = {m: {} for m in members}
    if not members:
        return out
    numbers = sorted({p for ps in partitions.values() for p in ps})
    owner = _slots(members, numbers) if numbers else {}
    load = dict.fromkeys(members, 0)
    for topic in sorted(partitions):
        subscribed = sorted(m for m, meta in members.items() if topic in meta.subscription)
        if not subscribed:
            continue
        for p in sorted(partitions[topic]):
            member = owner[p] if owner[p] in subscribed else min(subscribed, key=lambda m: (load[m], m))
            out[member].setdefault(topic, []).append(p)
            load[member] += 1
    return out


class FrameAssignor:
    """An aiokafka partition assignor (``partition_assignment_strategy``) implementing :func:`plan`."""

    name = "bk-frames-aligned"
    version = 0

    def __init__(self) -> None:
        self.owned: frozenset[int] = frozenset()

    def metadata(self, topics: Iterable[str]) -> ConsumerProtocolMemberMetadata:
        return ConsumerProtocolMemberMetadata(self.version, sorted(topics), encode_owned(self.owned))

    def assign(
        self, cluster: ClusterMetadata, members: Mapping[str, ConsumerProtocolMemberMetadata]
    ) -> dict[str, ConsumerProtocolMemberAssignment]:
        view = {m: Member(frozenset(meta.subscription), decode_owned(meta.user_data)) for m, meta in members.items()}
        partitions: dict[str, set[int]] = {}
        for topic in sorted({t for meta in view.values() for t in meta.subscription}):
            found = cluster.partitions_for_topic(topic)
            if found is None:
                log.warning("no partition metadata for topic %s", topic)
                continue
            partitions[topic] = set(found)
        return {
            m: ConsumerProtocolMemberAssignment(self.version, sorted(topics.items()), b"")
            for m, topics in plan(partitions, view).items()
        }

    def on_assignment(self, assignment: ConsumerProtocolMemberAssignment) -> None:
        self.owned = frozenset(p for _, ps in assignment.assignment for p in ps)
