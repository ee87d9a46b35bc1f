"""Per-camera ingest metrics in a dedicated prometheus registry (served by :mod:`core.metrics_http`).

A dedicated :data:`REGISTRY` keeps ingest's series apart from other roles in the same process.
"""

import contextlib

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

FRAMES_READ = Counter("bk_ingest_frames_read", "Pictures read from the camera.", ["camera_id"], registry=REGISTRY)
FRAMES_PUBLISHED = Counter(
    "bk_ingest_frames_published", "Frames published to bk.frames.", ["camera_id"], registry=REGISTRY
)
FRAMES_DROPPED = Counter(
    "bk_ingest_frames_dropped",
    "Frames dropped because publishing fell behind (oldest first).",
    ["camera_id"],
    registry=REGISTRY,
)
FRAMES_PASSTHROUGH = Counter(
    "bk_ingest_frames_passthrough",
    "Frames published as the camera's own JPEG, neither decoded nor re-encoded.",
    ["camera_id"],
    registry=REGISTRY,
)
FRAMES_CORRUPT = Counter(
    "bk_ingest_frames_corrupt",
    "Pictures skipped because they could not be used (a damaged JPEG).",
    ["camera_id"],
    registry=REGISTRY,
)
RECONNECTS = Counter(
    "bk_ingest_reconnects", "Attempts to reopen a camera after a failure.", ["camera_id"], registry=REGISTRY
)
LAST_FRAME_AGE = Gauge(
    "bk_ingest_last_frame_age_seconds",
    "Seconds since the camera's newest picture.",
    ["camera_id"],
    registry=REGISTRY,
)
CAPTURE_FPS = Gauge("bk_ingest_capture_fps", "Measured capture rate.", ["camera_id"], registry=REGISTRY)
PUBLISH_LATENCY = Histogram(
    "bk_ingest_capture_to_publish_seconds",
    "From the reader getting a picture to its frame being handed to Kafka.",
    ["camera_id"],
    registry=REGISTRY,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
CAMERA_ONLINE = Gauge("bk_ingest_camera_online", "1 while the camera gives pictures.", ["camera_id"], registry=REGISTRY)

CAMERAS = Gauge("bk_ingest_cameras", "Cameras this ingest process runs.", registry=REGISTRY)

_PER_CAMERA = (
    FRAMES_READ,
    FRAMES_PUBLISHED,
    FRAMES_DROPPED,
    FRAMES_PASSTHROUGH,
    FRAMES_CORRUPT,
    RECONNECTS,
    LAST_FRAME_AGE,
    CAPTURE_FPS,
    PUBLISH_LATENCY,
    CAMERA_ONLINE,
)


def init_camera(camera_id: str) -> None:
    """Create a new camera's series at zero, so "no drops yet" reads 0 rather than missing."""
    for metric in _PER_CAMERA:
        if metric is not LAST_FRAME_AGE:  # no picture yet: no age to report
            metric.labels(camera_id)


def forget_camera(camera_id: str) -> None:
    """Drop a removed camera's series so the registry does not grow with old cameras."""
    for metric in _PER_CAMERA:
        with contextlib.suppress(KeyError):
            metric.remove(camera_id)
