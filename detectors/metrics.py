"""Prometheus counters of the detect role, in a registry of its own (exposed over HTTP later)."""

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

FRAMES = Counter("bk_detect_frames", "Frames run through a camera pipeline.", registry=REGISTRY)
STALE = Counter("bk_detect_frames_stale", "Frames skipped for being older than max_frame_age_s.", registry=REGISTRY)
DEAD_LETTERS = Counter(
    "bk_detect_dead_letters", "Records sent to bk.dlq, by kind of failure.", ["kind"], registry=REGISTRY
)
EVENTS = Counter("bk_detect_events", "Events published, by rule and state.", ["rule", "state"], registry=REGISTRY)
PLUGIN_SECONDS = Histogram(
    "bk_detect_plugin_seconds",
    "Seconds one perception plugin or rule spent on one frame.",
    ["plugin"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
    registry=REGISTRY,
)
DECODE_SECONDS = Histogram(
    "bk_detect_decode_seconds",
    "Seconds spent decoding one JPEG.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1),
    registry=REGISTRY,
)
