"""The worker's camera pipelines: handing cameras over when partitions or the site move them."""

import time

from core.bus import Record
from core.contracts import Event
from core.memory_bus import MemoryPublisher
from core.site import Site
from core.topics import EVENTS, FRAMES
from detectors.cameras import CameraPipelines
from detectors.handler import FrameHandler
from tests.detectors import scenes
from tests.detectors.test_handler import make_frame

ALL_DAY = {d: ["00:00-23:59"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def _site(*cameras: str) -> Site:
    return Site.model_validate({"schools": [{
        "id": "s9", "name": "S", "kitchens": [{"id": "k", "name": "K"}], "schedule": {"working_hours": ALL_DAY},
        "cameras": [{"id": c, "name": c, "kitchen": "k", "url": "synthetic://kitchen"} for c in cameras],
    }]})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _open_incident(pipelines: CameraPipelines, camera: str, partition: int) -> MemoryPublisher:
    now = time.time()
    pub = MemoryPublisher()
    handler = FrameHandler(pub, pipelines, max_age_s=5.0, clock=lambda: now)
    t0 = int(now * 1000) - 4000
    for i in range(20):
        frame = make_frame(scenes.covered(seed=i), t0 + i * 200, camera=camera)
        await handler.handle(Record(FRAMES, partition, i, frame.key, frame.jpeg, tuple(frame.headers())))
    assert [Event.decode(r.value).state for r in pub.topics[EVENTS]] == ["open"]
    return pub


async def test_a_camera_the_site_moved_to_another_worker_s_partition_is_closed_once_quiet() -> None:
    clock = Clock()
    pipelines = CameraPipelines(clock=clock)
    pipelines.apply_site(_site("cam-1", "cam-2"))  # cam-1 on partition 0, ours
    await _open_incident(pipelines, "cam-1", 0)
    pipelines.apply_site(_site("cam-2", "cam-1"))  # now on partition 1, another worker's
    assert pipelines.drop_moved(6, owned={0, 2, 4}, idle_s=10) == []  # its last frames may still come
    assert pipelines.drop_moved(6, owned={0, 1}, idle_s=10) == []  # moved, but to a partition we own
    clock.now += 11
    assert pipelines.drop_moved(6, owned=set(), idle_s=10) == []  # mid-rebalance: owns nothing, drops nothing
    [closed] = pipelines.drop_moved(6, owned={0, 2, 4}, idle_s=10)
    assert (closed.camera_id, closed.rule, closed.state) == ("cam-1", "camera_blocked", "closed")
    assert len(pipelines) == 0


async def test_cameras_placed_where_they_are_or_unknown_to_the_site_stay() -> None:
    clock = Clock()
    pipelines = CameraPipelines(clock=clock)
    pipelines.apply_site(_site("cam-1"))
    await _open_incident(pipelines, "cam-1", 0)
    await _open_incident(pipelines, "nvr-9", 3)  # a third-party producer's camera
    clock.now += 60
    assert pipelines.drop_moved(6, owned={0, 3}, idle_s=10) == []
    assert len(pipelines) == 2
