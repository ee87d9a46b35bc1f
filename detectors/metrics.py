"""Prometheus metrics of the detect role, in a registry of its own, served on ``BK_METRICS_PORT``
by :mod:`core.metrics_http` (started in :mod:`detectors.worker`)."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from core.kafka_probe import LAG_HELP_NOTE

REGISTRY = CollectorRegistry(auto_describe=True)

FRAMES = Counter("bk_detect_frames", "Frames run through a camera pipeline.", registry=REGISTRY)
STALE = Counter("bk_detect_frames_stale", "Frames skipped for being older than max_frame_age_s.", registry=REGISTRY)
DEAD_LETTERS = Counter(
    "bk_detect_dead_letters", "Records sent to bk.dlq, by kind of failure.", ["kind"], registry=REGISTRY
)
EVENTS = Counter(
    "bk_detect_events", "Events published, by rule, tier and state.", ["rule", "tier", "state"], registry=REGISTRY
)
PLUGIN_SECONDS = Histogram(
    "bk_detect_plugin_seconds",
    "Seconds one perception plugin or rule spent on one frame (sampled: one frame in 8 per camera).",
    ["plugin"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
    registry=REGISTRY,
)
DECODE_SECONDS = Histogram(
    "bk_detect_decode_seconds",
    "Seconds spent checking and decoding one JPEG as far as every frame needs (its reduced grey picture).",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1),
    registry=REGISTRY,
)
FRAME_AGE = Histogram(
    "bk_detect_capture_to_judged_seconds",
    "From a frame's capture time (carried in the frame) to the end of its judgement here.",
    buckets=(0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
CAMERA_LAST_CAPTURE = Gauge(
    "bk_detect_camera_last_capture_ms",
    "Capture time (epoch ms) of the newest frame of the camera judged by this worker.",
    ["camera_id"],
    registry=REGISTRY,
)
LAG = Gauge(
    "bk_detect_consumer_lag",
    "Frames not yet read per assigned partition of group detectors (end offset - position, sampled). "
    + LAG_HELP_NOTE,
    ["topic", "partition"],
    registry=REGISTRY,
)
PARTITIONS = Gauge("bk_detect_partitions_assigned", "Frame partitions this worker owns now.", registry=REGISTRY)
CAMERAS = Gauge("bk_detect_cameras", "Cameras with a pipeline in this worker.", registry=REGISTRY)
