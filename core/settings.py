"""One settings class for every role, read from the environment with the prefix ``BK_``."""

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from core.frame_topics import FrameTopics


class Settings(BaseSettings):
    """Process settings. Site configuration (schools, cameras, rules) is not here: it travels
    on the ``bk.site`` topic so that changes reach running processes."""

    model_config = SettingsConfigDict(env_prefix="BK_", extra="forbid")

    kafka_bootstrap: str | None = Field(
        None,
        description="host:port[,host:port] of the Kafka cluster; unset starts the embedded broker "
        "(brightkitchen up only).",
    )
    data_dir: Path = Field(Path("bk-data"), description="Where the embedded database and media live.")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy async URL, e.g. postgresql+asyncpg://user@host/db; "
        "unset means a SQLite file in data_dir.",
    )
    media_dir: Path | None = Field(None, description="Evidence files; default data_dir/media.")
    api_host: str = Field("127.0.0.1", description="Address the api listens on.")
    api_port: int = Field(8000, ge=0, le=65535, description="Port the api listens on (0: any free).")
    frame_partitions: int = Field(6, ge=1, le=1024, description="Partitions of bk.frames.")
    event_partitions: int = Field(3, ge=1, le=1024, description="Partitions of bk.events.")
    detect_fps: float = Field(5.0, gt=0, le=30, description="Frames per second sent to detection.")
    detect_width: int = Field(640, ge=64, le=3840, description="Width frames are resized to.")
    jpeg_quality: int = Field(80, ge=10, le=100, description="JPEG quality of published frames.")
    max_frame_age_s: float = Field(
        5.0, gt=0, description="Detectors skip (and count) frames older than this."
    )
    session_timeout_ms: int = Field(
        6000, ge=1000, description="Kafka consumer-group session timeout; sets failover time."
    )
    site_file: Path | None = Field(
        None, description="Site YAML that `brightkitchen up` publishes at start."
    )
    metrics_port: int | None = Field(
        None, ge=0, le=65535,
        description="Port of GET /metrics and /healthz of the ingest and detect roles (0: any free port); "
        "unset: no metrics server. The api serves /metrics on its own port.",
    )
    metrics_host: str = Field(
        "0.0.0.0", min_length=1,
        description="Address the ingest and detect metrics servers listen on (all interfaces, for a Prometheus "
        "on another machine); `up` uses the api's host.",
    )
    log_level: str = Field("INFO", description="Python logging level.")
    log_json: bool | None = Field(None, description="JSON logs; default: when not on a terminal.")
    frame_bucket_s: int | None = Field(
        None, ge=10, le=86400,
        description="Bucket frames into topics of this many seconds, deleted whole once older than the "
        "retention (the embedded broker enforces no retention; `up` sets 120 there). Unset: one topic.",
    )
    frame_retention_s: int = Field(
        600, ge=25, le=7 * 86400, description="How long frames stay on the bus for evidence clips."
    )
    models_dir: Path | None = Field(
        None, description="Where the offline model files are (scripts/fetch_models.py); default .models."
    )
    custom_models_file: Path | None = Field(
        None, description="YAML of bring-your-own ONNX models for deployments without them in the site."
    )
    memory_ceiling_mb: int = Field(
        4096, ge=256, description="`up` warns when its processes together near this much resident memory."
    )
    memory_report_s: float = Field(600, ge=5, description="How often `up` prints its memory in use.")
    clip_before_s: float = Field(5.0, ge=0, le=60, description="Seconds of video kept before an incident starts.")
    clip_after_s: float = Field(5.0, ge=1, le=60, description="Seconds of video kept after an incident starts.")

    # --- api: access control (issue 5) ---
    env: Literal["demo", "production"] = Field(
        "demo",
        description="production refuses to start without a strong BK_SECRET_KEY; demo generates one "
        "per data directory.",
    )
    secret_key: SecretStr | None = Field(
        None, description="Signs session tokens (HMAC-SHA256); at least 32 characters in production."
    )
    token_ttl_s: int = Field(12 * 3600, ge=60, le=30 * 86400, description="Lifetime of a login token.")
    login_max_failures: int = Field(
        5, ge=1, le=100, description="Failed logins per username or client IP before answers slow down (429)."
    )
    login_lockout_s: float = Field(
        30.0, gt=0, description="First wait after too many failed logins; doubles with each further failure."
    )
    upload_max_bytes: int = Field(
        5 * 1024 * 1024, ge=1024, description="Largest rectification photo accepted (JPEG or PNG)."
    )
    # --- api: the alert workflow's deadlines; past them an alert is escalated to the regulator ---
    tier1_ack_s: int = Field(15 * 60, ge=1, description="Tier 1: seconds to acknowledge.")
    tier1_rectify_s: int = Field(2 * 3600, ge=1, description="Tier 1: seconds to rectify.")
    tier2_rectify_s: int | None = Field(
        None, ge=1, description="Tier 2: seconds to rectify; unset: by the end of the school's local day."
    )
    tier3_rectify_s: int = Field(7 * 86400, ge=1, description="Tier 3: seconds to rectify.")
    escalation_interval_s: float = Field(5.0, gt=0, description="How often the api checks deadlines.")
    # --- api: webhooks ---
    webhook_timeout_s: float = Field(5.0, gt=0, description="Timeout of one webhook request.")
    webhook_max_attempts: int = Field(8, ge=1, le=50, description="Deliveries give up after this many tries.")
    webhook_retry_base_s: float = Field(
        2.0, gt=0, description="Wait before the first retry; doubles with each further failure."
    )

    @model_validator(mode="after")
    def _frame_layout(self) -> "Settings":
        try:
            self.frame_topics  # noqa: B018 - validates bucket length against retention
        except ValueError as exc:
            raise ValueError(f"BK_FRAME_BUCKET_S / BK_FRAME_RETENTION_S: {exc}") from None
        return self

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"expected DEBUG, INFO, WARNING, ERROR or CRITICAL, got {value!r}")
        return level

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'brightkitchen.db').resolve()}"

    @property
    def frame_topics(self) -> "FrameTopics":
        """The frame topic layout every role uses (one topic, or time buckets)."""
        from core.frame_topics import FrameTopics

        return FrameTopics(self.frame_partitions, self.frame_bucket_s, self.frame_retention_s)

    @cached_property
    def resolved_media_dir(self) -> Path:
        return self.media_dir if self.media_dir is not None else self.data_dir / "media"

    def require_kafka(self) -> str:
        """The bootstrap servers, or a clear error for roles that cannot embed a broker."""
        if not self.kafka_bootstrap:
            from core.errors import ConfigError

            raise ConfigError(
                "BK_KAFKA_BOOTSTRAP is not set: this role needs an external Kafka "
                "(e.g. BK_KAFKA_BOOTSTRAP=127.0.0.1:9092); `brightkitchen up` embeds one."
            )
        return self.kafka_bootstrap
