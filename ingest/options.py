"""Tuning of the ingest role that is not in core Settings (defaults suit production;
tests shorten the timings)."""

from pydantic import BaseModel, ConfigDict, Field

from ingest.backoff import BackoffPolicy


class IngestOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stall_s: float = Field(default=5.0, gt=0, description="No new picture for this long while connected: stalled.")
    heartbeat_s: float = Field(default=10.0, gt=0, description="Every camera's status is re-published this often.")
    monitor_s: float = Field(default=0.25, gt=0, le=5, description="How often reader health is checked.")
    queue_size: int = Field(
        default=2, ge=1, le=100, description="Frames waiting per camera before the oldest is dropped."
    )
    reader_nice: int = Field(
        default=5,
        ge=0,
        le=19,
        description="Niceness added to reader threads (they decode and encode), so that when the CPU is short the "
        "event loop that publishes their frames is not starved and encoded frames are not dropped unpublished.",
    )
    backoff: BackoffPolicy = Field(default_factory=lambda: BackoffPolicy(), description="Reconnect delays.")
    reader_join_s: float = Field(default=8.0, gt=0, description="How long to wait for a reader thread at stop.")
    metrics_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Port of GET /metrics and /healthz (0: any free port); None: BK_METRICS_PORT, then "
        "BK_INGEST_METRICS_PORT, and no server when both are unset.",
    )
    metrics_host: str | None = Field(
        default=None, description="Address the metrics server listens on; unset: BK_METRICS_HOST."
    )
