"""The pipelines of the cameras this worker currently owns, kept in step with the site."""

import logging
import time
from collections.abc import Callable

from core.contracts import Event, Frame
from core.placement import FramePlacement
from core.site import Site
from detectors.pipeline import CameraPipeline

log = logging.getLogger(__name__)


class CameraPipelines:
    """Camera id → pipeline. A new site is applied lazily, on the event loop, before the camera's
    next frame, so a pipeline is never re-configured while a worker thread runs it."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.site: Site | None = None
        self._site_gen = 0
        self._pipelines: dict[str, tuple[CameraPipeline, int]] = {}
        self._partition: dict[str, int] = {}
        self._seen: dict[str, float] = {}  # camera → clock() of its last frame here
        self._clock = clock

    def __len__(self) -> int:
        return len(self._pipelines)

    def apply_site(self, site: Site) -> None:
        self.site = site
        self._site_gen += 1
        log.info("site version %d applies to %d camera(s) here", site.version, len(self._pipelines))

    def for_frame(self, frame: Frame, partition: int) -> CameraPipeline:
        """The camera's pipeline, created or re-configured to the newest site as needed."""
        found = self.site.camera(frame.camera_id) if self.site is not None else None
        school, camera = found if found is not None else (None, None)
        models = self.site.models_of(camera) if self.site is not None and camera is not None else []
        entry = self._pipelines.get(frame.camera_id)
        if entry is None:
            pipeline = CameraPipeline(frame.camera_id, school, camera, school_id=frame.school_id, models=models)
        else:
            pipeline, gen = entry
            if gen != self._site_gen:
                pipeline.configure(school, camera, models)
        self._pipelines[frame.camera_id] = (pipeline, self._site_gen)
        self._partition[frame.camera_id] = partition
        self._seen[frame.camera_id] = self._clock()
        return pipeline

    def drop_partitions(self, partitions: set[int]) -> list[Event]:
        """Forget the cameras of partitions this worker lost; close their open incidents so none
        stays open forever (the new owner rebuilds state and opens its own if still true)."""
        return self._drop([c for c, part in self._partition.items() if part in partitions])

    def drop_moved(self, partitions: int, owned: set[int], idle_s: float) -> list[Event]:
        """Forget the cameras a new site placed on a partition this worker does not own (ingest
        publishes them there now), closing their open incidents. A camera is dropped only once
        no frame of it arrived for ``idle_s`` on the partition this worker still owns: frames
        published before the move are judged first, and a producer that ignores the placement
        (frames keep coming) keeps its camera."""
        if self.site is None or not owned:
            return []
        placement = FramePlacement.of(self.site, partitions)
        quiet_since = self._clock() - idle_s
        return self._drop([
            c for c, part in self._partition.items()
            if c in placement.placed and placement.placed[c] not in owned and part in owned
            and self._seen.get(c, 0.0) < quiet_since
        ])

    def _drop(self, cameras: list[str]) -> list[Event]:
        events: list[Event] = []
        for camera_id in cameras:
            del self._partition[camera_id]
            self._seen.pop(camera_id, None)
            entry = self._pipelines.pop(camera_id, None)
            if entry is not None:
                events.extend(entry[0].close_all("camera handed over to another detector"))
        return events
