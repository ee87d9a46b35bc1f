"""Reading a JPEG's size from its frame header, and clear errors for damaged ones."""

import cv2
import numpy as np
import pytest

from ingest.errors import CorruptPicture, IngestError
from ingest.jpeg_header import read_jpeg_header


def _jpeg(width: int, height: int, *params: int, gray: bool = False) -> bytes:
    shape = (height, width) if gray else (height, width, 3)
    image = np.random.default_rng(width * height).integers(0, 255, shape, dtype=np.uint8)
    ok, buf = cv2.imencode(".jpg", image, list(params))
    assert ok
    return buf.tobytes()


def _segments(data: bytes) -> list[tuple[int, int, int]]:
    """(marker, offset, total length) of each segment before the scan."""
    out, i = [], 2
    while data[i + 1] != 0xDA:
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        out.append((data[i + 1], i, 2 + length))
        i += 2 + length
    return out


def _without(data: bytes, marker: int) -> bytes:
    for found, at, length in reversed(_segments(data)):
        if found == marker:
            data = data[:at] + data[at + length :]
    return data


@pytest.mark.parametrize(("width", "height"), [(640, 360), (1920, 1080), (1, 1), (321, 241)])
def test_size_from_the_frame_header(width: int, height: int) -> None:
    header = read_jpeg_header(_jpeg(width, height))
    assert (header.width, header.height, header.components) == (width, height, 3)
    assert header.sof == 0xC0 and header.common


def test_grayscale_and_progressive() -> None:
    assert read_jpeg_header(_jpeg(64, 48, gray=True)).components == 1
    progressive = read_jpeg_header(_jpeg(64, 48, cv2.IMWRITE_JPEG_PROGRESSIVE, 1))
    assert (progressive.width, progressive.height, progressive.sof, progressive.common) == (64, 48, 0xC2, True)


def test_fill_bytes_and_standalone_markers_are_skipped() -> None:
    data = _jpeg(80, 60)
    padded = data[:2] + b"\xff\xff\xff\xd0" + data[2:]  # fill bytes, then RST0 (no length)
    assert (read_jpeg_header(padded).width, read_jpeg_header(padded).height) == (80, 60)


def _damaged() -> list[tuple[str, bytes, str]]:
    good = _jpeg(64, 48)
    sof = next(at for marker, at, _ in _segments(good) if marker == 0xC0)
    zero_width = bytearray(good)
    zero_width[sof + 7 : sof + 9] = b"\x00\x00"
    return [
        ("empty", b"", "not a JPEG: starts with nothing"),
        ("png", b"\x89PNG\r\n\x1a\n" + good, "not a JPEG: starts with 89 50 4e 47"),
        ("cut before the frame header", good[: sof + 3], "truncated JPEG"),
        ("cut inside the frame header", good[: sof + 8], "truncated JPEG: frame header"),
        ("garbage between segments", good[:2] + b"\x00\x01" + good[2:], "expected a marker at byte 2"),
        ("scan before the frame header", _without(good, 0xC0), "scan before any frame header"),
        ("zero width", bytes(zero_width), "frame header says 0x48"),
        ("bad length", good[:2] + b"\xff\xe0\x00\x01" + good[2:], "has length 1"),
    ]


@pytest.mark.parametrize(("data", "message"), [(d, m) for _, d, m in _damaged()], ids=[n for n, _, _ in _damaged()])
def test_damaged_jpegs_give_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(CorruptPicture, match=message) as info:
        read_jpeg_header(data)
    assert isinstance(info.value, IngestError)
