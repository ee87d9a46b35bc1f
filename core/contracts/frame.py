"""The Frame contract: JPEG bytes as the record value, metadata in headers, key = camera id."""

from dataclasses import dataclass

from core.errors import ContractError

SCHEMA_VERSION = 1
MAX_FRAME_BYTES = 4 * 1024 * 1024
_JPEG_MAGIC = b"\xff\xd8\xff"

H_SCHEMA = "bk-schema"
H_CAMERA = "bk-camera"
H_SCHOOL = "bk-school"
H_TIME = "bk-captured-ms"
H_SEQ = "bk-seq"
H_WIDTH = "bk-width"
H_HEIGHT = "bk-height"


@dataclass(frozen=True, slots=True)
class Frame:
    """One camera picture at detect resolution, as it travels on ``bk.frames``."""

    camera_id: str
    school_id: str
    captured_ms: int
    seq: int
    width: int
    height: int
    jpeg: bytes

    def __post_init__(self) -> None:
        if not self.camera_id:
            raise ContractError("frame: camera id is empty")
        if self.width <= 0 or self.height <= 0:
            raise ContractError(f"frame: width and height must be > 0, got {self.width}x{self.height}")
        if not self.jpeg.startswith(_JPEG_MAGIC):
            raise ContractError("frame: value is not a JPEG (expected it to start with FF D8 FF)")
        if len(self.jpeg) > MAX_FRAME_BYTES:
            raise ContractError(f"frame: {len(self.jpeg)} bytes, more than {MAX_FRAME_BYTES}")

    @property
    def key(self) -> bytes:
        return self.camera_id.encode()

    def headers(self) -> list[tuple[str, bytes]]:
        return [
            (H_SCHEMA, str(SCHEMA_VERSION).encode()),
            (H_CAMERA, self.camera_id.encode()),
            (H_SCHOOL, self.school_id.encode()),
            (H_TIME, str(self.captured_ms).encode()),
            (H_SEQ, str(self.seq).encode()),
            (H_WIDTH, str(self.width).encode()),
            (H_HEIGHT, str(self.height).encode()),
        ]

    @classmethod
    def decode(
        cls, key: bytes | None, value: bytes | None, headers: "list[tuple[str, bytes]] | tuple[tuple[str, bytes], ...]"
    ) -> "Frame":
        """Rebuild a frame from a Kafka record, or raise ContractError naming what is wrong."""
        found = {name: raw for name, raw in headers}
        missing = [h for h in (H_SCHEMA, H_CAMERA, H_TIME, H_WIDTH, H_HEIGHT) if h not in found]
        if missing:
            raise ContractError(f"frame: missing header(s) {', '.join(missing)}")
        schema = _int(found, H_SCHEMA)
        if schema != SCHEMA_VERSION:
            raise ContractError(f"frame: schema version {schema} is not supported (expected {SCHEMA_VERSION})")
        camera = _text(found, H_CAMERA)
        if key is not None and key.decode("utf-8", "replace") != camera:
            raise ContractError(f"frame: key {key!r} differs from header {H_CAMERA}={camera!r}")
        if value is None:
            raise ContractError("frame: record has no value")
        return cls(
            camera_id=camera,
            school_id=_text(found, H_SCHOOL) if H_SCHOOL in found else "",
            captured_ms=_int(found, H_TIME),
            seq=_int(found, H_SEQ) if H_SEQ in found else 0,
            width=_int(found, H_WIDTH),
            height=_int(found, H_HEIGHT),
            jpeg=value,
        )


def _text(headers: dict[str, bytes], name: str) -> str:
    try:
        return headers[name].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContractError(f"frame: header {name} is not UTF-8") from exc


def _int(headers: dict[str, bytes], name: str) -> int:
    raw = _text(headers, name)
    try:
        return int(raw)
    except ValueError as exc:
        raise ContractError(f"frame: header {name}={raw!r} is not an integer") from exc
