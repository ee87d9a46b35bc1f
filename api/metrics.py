"""Prometheus metrics of the api role, in a registry of its own, served by ``GET /metrics``
(``api/routes/metrics.py``) on the api's HTTP port."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from core.kafka_probe import LAG_HELP_NOTE

REGISTRY = CollectorRegistry(auto_describe=True)

WS_CLIENTS = Gauge("bk_api_ws_clients", "WebSocket clients connected to this replica.", registry=REGISTRY)
WS_DROPPED = Counter(
    "bk_api_ws_clients_dropped", "WebSocket clients dropped for reading too slowly.", registry=REGISTRY
)
EVENTS_RECORDED = Counter(
    "bk_api_events_recorded",
    "Event messages stored by the recorder (an incident's open, updates and close each count), by rule, tier "
    "and state.",
    ["rule", "tier", "state"],
    registry=REGISTRY,
)
COMMIT_SECONDS = Histogram(
    "bk_api_recorder_commit_seconds",
    "Seconds to store one batch of events (evidence files and the database transaction) when it succeeds.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    registry=REGISTRY,
)
STORE_FAILURES = Counter(
    "bk_api_recorder_store_failures",
    "Failed attempts to store a batch (database unreachable or refusing); the batch is retried.",
    registry=REGISTRY,
)
DEAD_LETTERS = Counter(
    "bk_api_dead_letters", "Messages the recorder sent to bk.dlq, by kind.", ["kind"], registry=REGISTRY
)
RECORDER_LAG = Gauge(
    "bk_api_recorder_consumer_lag",
    "Events not yet read per partition of group recorder (end offset - position, sampled). " + LAG_HELP_NOTE,
    ["topic", "partition"],
    registry=REGISTRY,
)
CLIPS = Counter(
    "bk_api_clips",
    "Evidence clips: cut (a WebM stored) or none (the frames were gone or unreadable).",
    ["outcome"],
    registry=REGISTRY,
)
