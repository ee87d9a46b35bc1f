"""What the worker does with one record of ``bk.frames``: validate, decode, judge, publish.

Takes a :class:`core.bus.Publisher` and plain :class:`core.bus.Record` values, so unit tests feed
it lists and an in-memory publisher while the Kafka suite runs the same code.
"""

import asyncio
import logging
import time
from collections.abc import Callable

from core.bus import Publisher, Record
from core.contracts import Event, Frame
from core.dlq import dead_letter
from core.errors import ContractError
from core.topics import EVENTS
from detectors import metrics
from detectors.cameras import CameraPipelines
from detectors.errors import DetectorError
from detectors.perception.picture import Picture, jpeg_size
from detectors.pipeline import CameraPipeline

log = logging.getLogger(__name__)
ROLE = "detect"


def picture_of(frame: Frame, pipeline: CameraPipeline | None = None) -> Picture:
    """The frame's JPEG, checked against its headers and decoded as far as every frame needs (the
    reduced grey picture thumbnails come from; the reduced colour one instead when a plugin of
    ``pipeline``, which is to judge the frame, judges that on it); ContractError when it is not
    what the headers say. The full colour picture is decoded later, only if a plugin asks for it."""
    t0 = time.perf_counter()
    try:
        width, height = jpeg_size(frame.jpeg)
        if (width, height) != (frame.width, frame.height):
            raise ContractError(f"frame: JPEG is {width}x{height}, headers say {frame.width}x{frame.height}")
        picture = Picture(frame.jpeg, width, height)
        if pipeline is not None and pipeline.colour_thumbnails_due():
            picture.colour_thumbnail_source()
        picture.thumbnail_source()
    except DetectorError as exc:
        raise ContractError(f"frame: {exc}") from None
    metrics.DECODE_SECONDS.observe(time.perf_counter() - t0)
    return picture


def _judge(pipeline: CameraPipeline, frame: Frame) -> list[Event]:
    return pipeline.process(frame, picture_of(frame, pipeline))


class FrameHandler:
    def __init__(
        self,
        publisher: Publisher,
        pipelines: CameraPipelines,
        *,
        max_age_s: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.publisher = publisher
        self.pipelines = pipelines
        self.max_age_ms = max_age_s * 1000
        self.clock = clock
        self._backlog_ms = 0.0
        self._backlog_until = 0.0

    def allow_backlog(self, extra_s: float, for_s: float) -> None:
        """Judge frames up to ``extra_s`` older than usual for the next ``for_s`` seconds: after a
        planned pause (a rebalance onto a new frame bucket) the backlog is judged, not skipped."""
        self._backlog_ms = extra_s * 1000
        self._backlog_until = self.clock() + for_s

    async def handle(self, record: Record) -> None:
        """Judge one record; bad input goes to the DLQ with the reason, never raises."""
        try:
            frame = Frame.decode(record.key, record.value, record.headers)
        except ContractError as exc:
            await self._dead(record, str(exc), "contract")
            return
        now = self.clock()
        age_ms = now * 1000 - frame.captured_ms
        if age_ms > self.max_age_ms + (self._backlog_ms if now < self._backlog_until else 0.0):
            metrics.STALE.inc()
            return
        pipeline = self.pipelines.for_frame(frame, record.partition)
        try:
            events = await asyncio.to_thread(_judge, pipeline, frame)
        except ContractError as exc:
            await self._dead(record, str(exc), "contract")
            return
        except Exception as exc:  # a detector bug on one frame must not stop every camera
            log.exception("detection failed on %s seq %d", frame.camera_id, frame.seq)
            await self._dead(record, f"detection failed: {type(exc).__name__}: {exc}", "detector")
            return
        metrics.FRAMES.inc()
        metrics.FRAME_AGE.observe(max(0.0, self.clock() - frame.captured_ms / 1000))
        metrics.CAMERA_LAST_CAPTURE.labels(frame.camera_id).set(frame.captured_ms)
        await self.publish(events)

    async def publish(self, events: list[Event]) -> None:
        for event in events:
            await self.publisher.publish(EVENTS, event.encode(), key=event.camera_id.encode())
            metrics.EVENTS.labels(event.rule, str(event.tier), event.state).inc()
            log.info(
                "%s %s %s zone=%s",
                event.state,
                event.rule,
                event.camera_id,
                event.zone,
                extra={"camera_id": event.camera_id, "event_id": event.id},
            )

    async def _dead(self, record: Record, reason: str, kind: str) -> None:
        metrics.DEAD_LETTERS.labels(kind).inc()
        await dead_letter(self.publisher, record, reason, ROLE)
