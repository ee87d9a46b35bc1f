"""The CameraStatus contract on ``bk.camera-status`` (key = camera id, newest wins)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import ContractError

SCHEMA_VERSION: Literal[1] = 1

CameraState = Literal["online", "offline", "stalled", "degraded"]


class CameraStatus(BaseModel):
    """What ingest knows about one camera's stream."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = SCHEMA_VERSION
    camera_id: str = Field(min_length=1)
    school_id: str = ""
    state: CameraState
    reason: str = Field("", max_length=500)
    since_ms: int = Field(ge=0)
    fps: float = Field(0.0, ge=0.0)
    reported_ms: int = Field(0, ge=0)

    def encode(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def decode(cls, value: bytes | None) -> "CameraStatus":
        if value is None:
            raise ContractError("camera status: record has no value")
        try:
            return cls.model_validate_json(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(document)"
            raise ContractError(f"camera status: {where}: {first['msg']}") from exc
