"""The detectors' partition assignor: partition p of every frame topic to one member, sticky.

aiokafka's default, round-robin over every topic-partition, fits neither need of the detectors:
- Aligned. On the embedded broker a detector reads several frame buckets at once (the one being
  drained and the next ones). Round-robin deals ``b7:0`` to one member and ``b8:0`` to another
  whenever the partition count is not a multiple of the member count, so a camera's frames would
  be judged by two detectors at a time. Here partition number p goes to one member for every
  topic, so a camera has one owner.
- Even in cameras. Ingest puts camera i on partition i mod P (:mod:`core.placement`), so low
  partitions carry the extra cameras. Members that know the site send the cameras per partition
  number (:class:`Weights`) in their join metadata and the plan balances cameras (8 cameras, 6
  partitions, 4 members: 2/2/2/2). Without weights numbers are dealt as p mod M (3/3/1/1 there),
  even in cameras only when M divides P.
- Sticky. Each member tells the leader which partition numbers it owned (in the join metadata);
  a member keeps its numbers when that costs no balance. A detector re-joining for a new frame
  bucket keeps its cameras and their rule state (dwell timers, background models).

The plan is a function of the members' metadata alone, so every leader computes the same one.
Pass one instance per process (it remembers what it owns across consumers), tell it the site
(:meth:`FrameAssignor.use_site`) and keep aiokafka's round-robin second in the list, so a group
with an older member still forms. Metadata without weights keeps the old format (``b"0,3,5"``).
"""

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aiokafka.cluster import ClusterMetadata
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment, ConsumerProtocolMemberMetadata

from core.placement import FramePlacement
from core.site import Site

log = logging.getLogger(__name__)
Plan = dict[str, dict[str, list[int]]]  # member id → topic → partitions


@dataclass(frozen=True)
class Weights:
    """Cameras per partition number (``cameras[p]``) as site ``version`` places them."""

    version: int
    cameras: tuple[int, ...]

    @classmethod
    def of(cls, site: Site, partitions: int) -> "Weights":
        placed = list(FramePlacement.of(site, partitions).placed.values())
        return cls(site.version, tuple(placed.count(p) for p in range(partitions)))


@dataclass(frozen=True)
class Member:
    subscription: frozenset[str]
    owned: frozenset[int] = frozenset()
    weights: Weights | None = None


def encode_owned(owned: Iterable[int], weights: Weights | None = None) -> bytes:
    """Join metadata: the old ``b"0,3,5"`` without weights, else versioned JSON."""
    if weights is None:
        return ",".join(str(p) for p in sorted(owned)).encode()
    body = {"v": 1, "owned": sorted(owned), "site": weights.version, "cameras": list(weights.cameras)}
    return json.dumps(body, separators=(",", ":")).encode()


def decode_metadata(data: bytes | None) -> tuple[frozenset[int], Weights | None]:
    """Owned numbers and weights from a member's metadata; anything unreadable counts as none."""
    data = data or b""
    try:
        if not data.startswith(b"{"):
            return frozenset(int(p) for p in data.decode().split(",") if p), None
        body = json.loads(data)
        owned, cameras, site = body["owned"], body.get("cameras") or [], body.get("site")
        if not all(type(v) is int and v >= 0 for v in [*owned, *cameras]):
            raise ValueError(f"partition numbers and camera counts are integers >= 0, got {owned!r}, {cameras!r}")
        return frozenset(owned), Weights(site, tuple(cameras)) if cameras and type(site) is int else None
    except (UnicodeDecodeError, ValueError, TypeError, KeyError):
        return frozenset(), None


def agreed_weights(members: Mapping[str, Member]) -> Weights | None:
    """The weights of the newest site any member reports; on a tie the ones most members report."""
    reported = [meta.weights for meta in members.values() if meta.weights is not None]
    return max(reported, key=lambda w: (w.version, reported.count(w), w.cameras), default=None)


def _slots(members: Mapping[str, Member], numbers: list[int]) -> dict[int, str]:
    """Slot k (partition numbers at positions ≡ k mod M) → member: largest overlap with what the
    member owned first; on a tie the member that owned less (a member re-joining after a short
    absence gets its numbers back from the one that covered for it); then by member id, so
    every leader computes the same answer."""
    ids = sorted(members)
    groups = [set(numbers[k :: len(ids)]) for k in range(len(ids))]
    pairs = sorted((-len(members[m].owned & g), len(members[m].owned), m, k) for m in ids for k, g in enumerate(groups))
    slot_of: dict[str, int] = {}
    taken: set[int] = set()
    for _, _, member, k in pairs:
        if member not in slot_of and k not in taken:
            slot_of[member] = k
            taken.add(k)
    return {number: next(m for m, k in slot_of.items() if k == i % len(ids)) for i, number in enumerate(numbers)}


def _weighted(members: Mapping[str, Member], numbers: list[int], weight: Mapping[int, int]) -> dict[int, str]:
    """Number → member, even in cameras: heaviest first to the member with the fewest cameras
    (ties: its previous owner, fewest numbers, id), then evened out. Again with each number kept
    by its previous owner within that plan's heaviest load, taken if no less even. A number
    several members claim is the one's that owned fewest (it covered for no one)."""
    ids = sorted(members)
    claim = {
        p: min((m for m in ids if p in members[m].owned), key=lambda m: (len(members[m].owned), m), default="")
        for p in numbers
    }

    def deal(cap: int | None) -> tuple[dict[int, str], list[int]]:
        load, count, out = dict.fromkeys(ids, 0), dict.fromkeys(ids, 0), {}
        for p in sorted(numbers, key=lambda p: (-weight[p], p)):
            keep = claim[p] in load and cap is not None and load[claim[p]] + weight[p] <= cap
            m = claim[p] if keep else min(ids, key=lambda m: (load[m], m != claim[p], count[m], m))
            out[p], load[m], count[m] = m, load[m] + weight[p], count[m] + 1
        return _even_out(out, ids, weight, claim)

    greedy, loads = deal(None)
    sticky, sticky_loads = deal(loads[0])
    return sticky if sticky_loads <= loads else greedy


def _even_out(
    owner: dict[int, str], ids: list[str], weight: Mapping[int, int], claim: Mapping[int, str]
) -> tuple[dict[int, str], list[int]]:
    """Move or swap numbers off the heaviest member while that evens the loads, disturbing owners
    least (greedy splits 5,5,4,4,4 cameras 13/9, a swap makes it 12/10); also the loads, heaviest
    first. Each step lowers the sum of squared loads, so it ends."""
    while True:
        load = {m: sum(weight[p] for p, o in owner.items() if o == m) for m in ids}
        heavy = max(ids, key=lambda m: (load[m], m))
        mine = [p for p, o in owner.items() if o == heavy]
        steps = [  # (owners disturbed, to, from heavy, back to heavy or -1 for a move)
            ((claim[x] == heavy) - (claim[x] == to) + (claim.get(y) == to) - (claim.get(y) == heavy), to, x, y)
            for to in ids
            for x in mine
            for y in [-1, *(p for p, o in owner.items() if o == to)]
            if 0 < weight[x] - weight.get(y, 0) < load[heavy] - load[to]
        ]
        if not steps:
            return owner, sorted(load.values(), reverse=True)
        _, to, x, y = min(steps)
        owner[x] = to
        if y >= 0:
            owner[y] = heavy


def plan(partitions: Mapping[str, Iterable[int]], members: Mapping[str, Member]) -> Plan:
    """The assignment of ``partitions`` (topic → partition numbers) to ``members``.

    A topic only some members subscribe to (members switch frame buckets one after another) goes
    to its number's owner when subscribed, else to the subscribed member holding the fewest."""
    out: Plan = {m: {} for m in members}
    if not members or not any(partitions.values()):
        return out
    numbers = sorted({p for ps in partitions.values() for p in ps})
    cameras = (agreed_weights(members) or Weights(0, ())).cameras
    weight = {p: cameras[p] if p < len(cameras) else 0 for p in numbers}
    owner = _weighted(members, numbers, weight) if any(weight.values()) else _slots(members, numbers)
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

    def __init__(self, weights: Weights | None = None) -> None:
        self.owned: frozenset[int] = frozenset()
        self.weights = weights

    def use_site(self, site: Site, partitions: int) -> None:
        """Weigh partition numbers by the site's cameras on them, from the next rebalance on."""
        self.weights = Weights.of(site, partitions)

    def metadata(self, topics: Iterable[str]) -> ConsumerProtocolMemberMetadata:
        return ConsumerProtocolMemberMetadata(self.version, sorted(topics), encode_owned(self.owned, self.weights))

    def assign(
        self, cluster: ClusterMetadata, members: Mapping[str, ConsumerProtocolMemberMetadata]
    ) -> dict[str, ConsumerProtocolMemberAssignment]:
        view = {
            m: Member(frozenset(meta.subscription), *decode_metadata(meta.user_data)) for m, meta in members.items()
        }
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
