"""Which frame partition carries each camera.

Frames are keyed by camera id. Kafka's default partitioner hashes the key (murmur2), and a hash
spreads a handful of cameras unevenly: of ``cam-000`` … ``cam-007`` on 6 partitions it put 7 on
the odd partitions, all owned by one member of a two-detector group. Ingest therefore places
cameras by their position among the site's enabled cameras, in site order: camera i goes to
partition i mod P. Partition loads differ by at most one camera, and with the detectors'
:class:`core.frame_assignor.FrameAssignor`, told these camera counts per partition, each of M
detectors gets as even a share of cameras as whole partitions allow (8 cameras on 6 partitions,
4 detectors: 2/2/2/2).

A camera keeps its partition while the list of enabled cameras is unchanged; cameras appended
at the end move no one. A camera the site does not list (a third-party producer keyed by camera)
goes where Kafka's default partitioner would put it.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from aiokafka.partitioner import murmur2

from core.site import Site


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
        enabled = [cam.id for _, cam in site.cameras() if cam.enabled] if site is not None else []
        return cls(partitions, MappingProxyType({cid: i % partitions for i, cid in enumerate(enabled)}))

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
