"""Events: the detector's incident (``state``) and the people's workflow on it (``status``)."""

from typing import Any

from sqlalchemy import JSON, BigInteger, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base


class EventRow(Base):
    """One incident, upserted by its deterministic id."""

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule: Mapped[str] = mapped_column(String(64))
    tier: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    school_id: Mapped[str] = mapped_column(String(64))
    kitchen_id: Mapped[str] = mapped_column(String(64), default="")
    camera_id: Mapped[str] = mapped_column(String(64))
    zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    started_ms: Mapped[int] = mapped_column(BigInteger)
    last_seen_ms: Mapped[int] = mapped_column(BigInteger)
    ended_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    score: Mapped[float] = mapped_column(Float)
    boxes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rule_version: Mapped[str] = mapped_column(String(32), default="1")
    message: Mapped[str] = mapped_column(Text, default="")
    frame_width: Mapped[int] = mapped_column(Integer, default=0)
    frame_height: Mapped[int] = mapped_column(Integer, default=0)
    snapshot_path: Mapped[str | None] = mapped_column(String(255), nullable=True)
    snapshot_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    clip_path: Mapped[str | None] = mapped_column(String(255), nullable=True)
    clip_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updates: Mapped[int] = mapped_column(Integer, default=1)
    recorded_ms: Mapped[int] = mapped_column(BigInteger)
    # The workflow (api/workflow.py); independent of the detector's state above.
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    status_ms: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    verdict: Mapped[str | None] = mapped_column(String(16), nullable=True)
    acknowledged_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    rectified_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    closed_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    escalated_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (
        Index("ix_events_started", "started_ms", "id"),
        Index("ix_events_school_started", "school_id", "started_ms", "id"),
        Index("ix_events_school_status_started", "school_id", "status", "started_ms"),
        Index("ix_events_camera_started", "camera_id", "started_ms"),
        Index("ix_events_rule_started", "rule", "started_ms"),
        Index("ix_events_status_started", "status", "started_ms"),
    )
