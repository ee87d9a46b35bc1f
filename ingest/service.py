"""The ingest role: follow the site, run one :class:`~ingest.camera.CameraWorker` per enabled
camera, publish frames and camera status to Kafka until ``stop`` is set.

Cameras are reconciled against every site snapshot: added ones start, removed or disabled ones
stop (with a last "offline" status), a changed URL restarts only that camera.
"""

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable

from core.bus import KafkaPublisher, Publisher, ensure_topics
from core.frame_janitor import run_janitor, tidy_once
from core.metrics_http import serving
from core.placement import FramePlacement
from core.settings import Settings
from core.site import Site
from core.site_feed import follow_site
from core.topics import topic_specs
from ingest import metrics
from ingest.camera import CameraWorker
from ingest.metrics_http import metrics_port
from ingest.options import IngestOptions
from ingest.sources import Source, make_source, redact

log = logging.getLogger(__name__)


class CameraFleet:
    """The running cameras, keyed by id, reconciled with each site snapshot."""

    def __init__(
        self,
        settings: Settings,
        options: IngestOptions,
        publisher: Publisher,
        source_factory: Callable[[str], Source] = make_source,
    ) -> None:
        self._settings = settings
        self._options = options
        self._publisher = publisher
        self._factory = source_factory
        self.workers: dict[str, CameraWorker] = {}
        self._seqs: dict[str, itertools.count[int]] = {}
        self._lock = asyncio.Lock()

    async def apply(self, site: Site) -> None:
        """Start, stop and restart cameras so the running set matches ``site``."""
        desired = {cam.id: (school.id, cam.url) for school, cam in site.cameras() if cam.enabled}
        placement = FramePlacement.of(site, self._settings.frame_partitions)
        async with self._lock:
            stopping = []
            for cid, worker in list(self.workers.items()):
                want = desired.get(cid)
                if want == (worker.school_id, worker.url):
                    continue
                del self.workers[cid]
                if want is None:
                    log.info("camera %s removed or disabled", cid, extra={"camera_id": cid})
                    stopping.append(self._retire(worker, "removed or disabled in the site configuration"))
                else:
                    log.info("camera %s changed; restarting it", cid, extra={"camera_id": cid})
                    stopping.append(worker.stop())
            await asyncio.gather(*stopping)
            for cid, (school_id, url) in desired.items():
                if cid not in self.workers:
                    self._start(cid, school_id, url)
                self.workers[cid].partition = placement.partition(cid)  # before its sender first runs
            metrics.CAMERAS.set(len(self.workers))

    def _start(self, camera_id: str, school_id: str, url: str) -> None:
        seq = self._seqs.setdefault(camera_id, itertools.count(1))
        worker = CameraWorker(
            camera_id,
            school_id,
            url,
            settings=self._settings,
            options=self._options,
            publisher=self._publisher,
            seq=seq,
            source_factory=self._factory,
        )
        worker.start()
        self.workers[camera_id] = worker
        log.info("camera %s started (%s)", camera_id, redact(url), extra={"camera_id": camera_id})

    async def _retire(self, worker: CameraWorker, reason: str) -> None:
        await worker.stop(final_reason=reason)
        metrics.forget_camera(worker.camera_id)
        self._seqs.pop(worker.camera_id, None)

    async def close(self) -> None:
        """Stop every camera, telling subscribers they are offline because ingest stopped."""
        async with self._lock:
            workers, self.workers = list(self.workers.values()), {}
            await asyncio.gather(*(w.stop(final_reason="ingest stopped") for w in workers))
            metrics.CAMERAS.set(0)


async def run(settings: Settings, stop: asyncio.Event, options: IngestOptions | None = None) -> None:
    """Run the ingest role against ``settings.kafka_bootstrap`` until ``stop`` is set."""
    options = options or IngestOptions()
    bootstrap = settings.require_kafka()
    port = metrics_port(settings, options)
    await ensure_topics(bootstrap, topic_specs(settings.frame_partitions, settings.event_partitions))
    await tidy_once(bootstrap, settings.frame_topics)
    janitor = (
        asyncio.create_task(run_janitor(bootstrap, settings.frame_topics, stop), name="frame-janitor")
        if settings.frame_topics.bucketed else None
    )
    publisher = KafkaPublisher(bootstrap, client_id="bk-ingest")
    await publisher.start()
    fleet = CameraFleet(settings, options, publisher)
    try:
        host = options.metrics_host or settings.metrics_host
        async with serving(metrics.REGISTRY, host, port, name="ingest metrics"):
            log.info("ingest started; following the site on Kafka %s", bootstrap)
            await follow_site(bootstrap, fleet.apply, stop)
    finally:
        try:
            await fleet.close()
        finally:
            await publisher.stop()
            if janitor is not None:
                janitor.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await janitor
            log.info("ingest stopped")
