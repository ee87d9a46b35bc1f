"""Tables. Times are epoch milliseconds (UTC), as they travel in the contracts."""

from typing import Any

from sqlalchemy import JSON, BigInteger, Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class EventRow(Base):
    """One incident, upserted by its deterministic id."""

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule: Mapped[str] = mapped_column(String(64), index=True)
    tier: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), index=True)
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
    updates: Mapped[int] = mapped_column(Integer, default=1)
    recorded_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        Index("ix_events_school_started", "school_id", "started_ms"),
        Index("ix_events_camera_started", "camera_id", "started_ms"),
        Index("ix_events_started", "started_ms"),
    )
