"""Which frame partition carries each camera.

Frames are keyed by camera id. Kafka's default partitioner hashes the key (murmur2), and a hash
spreads a handful of cameras unevenly: of ``cam-000`` … ``cam-007`` on 6 partitions it put 7 on
the odd partitions, all owned by one member of a two-detector group. Ingest therefore places
cameras by slot: each camera of the site holds a small integer, and its frames go to partition
slot mod P. Slots are dense (a new camera takes the smallest free one), so partition loads differ
by at most one camera plus the slots of removed cameras not yet reused, and with the detectors'
:class:`core.frame_assignor.FrameAssignor`, told these camera counts per partition, each of M
detectors gets as even a share of cameras as whole partitions allow (8 cameras on 6 partitions,
4 detectors: 2/2/2/2).

Slots are given when a site is applied (:func:`with_slots`, against the stored site) and a
camera keeps its slot across edits: adding, removing or disabling a camera moves no other, so no
other camera's detector state is lost and no incident of it is split by a hand-over. A site that
was never applied (a test, ``analyze``) gets its free slots in site order, the same in every
process. A camera the site does not list (a third-party producer keyed by camera) goes where
Kafka's default partitioner would put it.
"""

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from aiokafka.partitioner import murmur2

from core.site import Camera, Site


def hashed_partition(camera_id: str, partitions: int) -> int:
    """Where Kafka's default partitioner (murmur2 of the key) puts a camera's frames."""
    hashed: int = murmur2(camera_id.encode())
    return (hashed & 0x7FFFFFFF) % partitions


@dataclass(frozen=True)
class FramePlacement:
    """Camera id → frame partition, for one site and one partition count."""

    partitions: int
    placed: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if self.partitions < 1:
            raise ValueError(f"a frame topic needs at least 1 partition, got {self.partitions}")

    @classmethod
    def of(cls, site: Site | None, partitions: int) -> "FramePlacement":
        slots = slots_of(site) if site is not None else {}
        cameras = [cam.id for _, cam in site.cameras() if cam.enabled] if site is not None else []
        return cls(partitions, MappingProxyType({cid: slots[cid] % partitions for cid in cameras}))

    def partition(self, camera_id: str) -> int:
        """The partition the camera's frames are published to."""
        found = self.placed.get(camera_id)
        return found if found is not None else hashed_partition(camera_id, self.partitions)

    def candidates(self, camera_id: str, available: Collection[int]) -> list[int]:
        """Where to look for the camera's frames, most likely first: its placement, the hash,
        then every other partition (frames written before a site change moved the camera)."""
        first = [self.partition(camera_id), hashed_partition(camera_id, self.partitions)]
        ordered = list(dict.fromkeys(p for p in first if p in available))
        return ordered + sorted(set(available) - set(ordered))


def slots_of(site: Site, previous: Site | None = None) -> dict[str, int]:
    """Every camera's slot: its own; else the one it held in ``previous`` unless another camera
    holds that now; else the smallest free slot, enabled cameras first, in site order (so a site
    never applied places camera i of its enabled cameras on partition i mod P)."""
    cameras = sorted((cam for _, cam in site.cameras()), key=lambda cam: not cam.enabled)  # stable
    slots = {cam.id: cam.slot for cam in cameras if cam.slot is not None}
    if previous is not None:
        taken, here = set(slots.values()), {cam.id for cam in cameras}
        for cid, slot in slots_of(previous).items():
            if cid in here and cid not in slots and slot not in taken:
                slots[cid] = slot
                taken.add(slot)
    free = _free_slots(set(slots.values()))
    for cam in cameras:
        if cam.id not in slots:
            slots[cam.id] = next(free)
    return slots


def with_slots(site: Site, previous: Site | None) -> Site:
    """``site`` with every camera's slot written in (see :func:`slots_of`), to be stored and published."""
    slots = slots_of(site, previous)

    def placed(cam: Camera) -> Camera:
        return cam if cam.slot == slots[cam.id] else cam.model_copy(update={"slot": slots[cam.id]})

    schools = [s.model_copy(update={"cameras": [placed(c) for c in s.cameras]}) for s in site.schools]
    return site.model_copy(update={"schools": schools})


def _free_slots(taken: set[int]) -> Iterator[int]:
    slot = 0
    while True:
        if slot not in taken:
            yield slot
        slot += 1
