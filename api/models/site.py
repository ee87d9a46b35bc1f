"""The applied site: every version as JSON, and the normalised rows used for scoping and names."""

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base


class SiteVersionRow(Base):
    __tablename__ = "site_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, doc="The full site as JSON (core.site.Site).")
    applied_ms: Mapped[int] = mapped_column(BigInteger)
    applied_by: Mapped[str] = mapped_column(String(64))


class SchoolRow(Base):
    __tablename__ = "schools"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))


class KitchenRow(Base):
    __tablename__ = "kitchens"

    school_id: Mapped[str] = mapped_column(String(64), ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class CameraRow(Base):
    __tablename__ = "cameras"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    school_id: Mapped[str] = mapped_column(String(64), ForeignKey("schools.id", ondelete="CASCADE"))
    kitchen_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (Index("ix_cameras_school", "school_id"),)


class CameraStatusRow(Base):
    """Camera status changes as ingest reported them; the source of coverage statistics."""

    __tablename__ = "camera_status_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(String(64))
    school_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    since_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        UniqueConstraint("camera_id", "since_ms", "state", name="uq_camera_status_change"),
        Index("ix_camera_status_school_since", "school_id", "since_ms"),
    )
