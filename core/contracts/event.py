"""The Event contract: a small JSON document on ``bk.events``, key = camera id."""

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.errors import ContractError

SCHEMA_VERSION: Literal[1] = 1
MAX_EVENT_BYTES = 900 * 1024
MAX_SNAPSHOT_BYTES = 400 * 1024

EventState = Literal["open", "update", "closed"]


def event_id(camera_id: str, rule: str, zone: str | None, started_ms: int) -> str:
    """A deterministic id: the same incident seen again (a replay, a second worker) keeps it."""
    digest = hashlib.sha256(f"{camera_id}|{rule}|{zone or ''}|{started_ms}".encode()).hexdigest()
    return f"ev_{digest[:24]}"


class Box(BaseModel):
    """A detection box in pixels of the frame it was found in (never burned into the image)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    score: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> "Box":
        if self.x2 < self.x1 or self.y2 < self.y1:
            raise ValueError(f"box corners out of order: ({self.x1},{self.y1})-({self.x2},{self.y2})")
        return self


class Event(BaseModel):
    """One incident's state as a rule saw it. ``open`` starts it, ``update`` refreshes it,
    ``closed`` ends it; all three carry the same ``id``."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, ser_json_bytes="base64", val_json_bytes="base64"
    )

    schema_version: Literal[1] = SCHEMA_VERSION
    id: str = Field(min_length=1, max_length=64)
    rule: str = Field(min_length=1, max_length=64)
    tier: int = Field(ge=1, le=3)
    state: EventState
    school_id: str
    kitchen_id: str = ""
    camera_id: str = Field(min_length=1)
    started_ms: int = Field(ge=0)
    last_seen_ms: int = Field(ge=0)
    ended_ms: int | None = None
    score: float = Field(ge=0.0, le=1.0)
    boxes: list[Box] = Field(default_factory=list, max_length=256)
    zone: str | None = None
    rule_version: str = "1"
    frame_width: int = Field(0, ge=0)
    frame_height: int = Field(0, ge=0)
    message: str = Field("", max_length=500)
    snapshot_jpeg: bytes | None = Field(None, description="Clean evidence picture (JPEG).")

    @model_validator(mode="after")
    def _consistent(self) -> "Event":
        if self.last_seen_ms < self.started_ms:
            raise ValueError("last_seen_ms is before started_ms")
        if self.state == "closed" and self.ended_ms is None:
            raise ValueError("a closed event needs ended_ms")
        if self.snapshot_jpeg is not None and len(self.snapshot_jpeg) > MAX_SNAPSHOT_BYTES:
            raise ValueError(f"snapshot is {len(self.snapshot_jpeg)} bytes, over {MAX_SNAPSHOT_BYTES}")
        return self

    def encode(self) -> bytes:
        data = self.model_dump_json().encode()
        if len(data) > MAX_EVENT_BYTES:
            raise ContractError(f"event {self.id}: {len(data)} bytes, over {MAX_EVENT_BYTES}")
        return data

    @classmethod
    def decode(cls, value: bytes | None) -> "Event":
        if value is None:
            raise ContractError("event: record has no value")
        try:
            return cls.model_validate_json(value)
        except ValidationError as exc:
            raise ContractError(f"event: {_short(exc)}") from exc


def _short(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"]) or "(document)"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)
