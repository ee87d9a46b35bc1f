"""The pipelines of the cameras this worker currently owns, kept in step with the site."""

import logging

from core.contracts import Event, Frame
from core.site import Site
from detectors.pipeline import CameraPipeline

log = logging.getLogger(__name__)


class CameraPipelines:
    """Camera id → pipeline. A new site is applied lazily, on the event loop, before the camera's
    next frame, so a pipeline is never re-configured while a worker thread runs it."""

    def __init__(self) -> None:
        self.site: Site | None = None
        self._site_gen = 0
        self._pipelines: dict[str, tuple[CameraPipeline, int]] = {}
        self._partition: dict[str, int] = {}

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
        return pipeline

    def drop_partitions(self, partitions: set[int]) -> list[Event]:
        """Forget the cameras of partitions this worker lost; close their open incidents so none
        stays open forever (the new owner rebuilds state and opens its own if still true)."""
        events: list[Event] = []
        for camera_id, part in list(self._partition.items()):
            if part in partitions:
                del self._partition[camera_id]
                entry = self._pipelines.pop(camera_id, None)
                if entry is not None:
                    events.extend(entry[0].close_all("camera handed over to another detector"))
        return events
