"""Camera JPEGs: parsed without decoding, decoded at the smallest scale that is still wide enough."""

import cv2
import numpy as np
import pytest

from ingest.errors import CorruptPicture
from ingest.picture import CameraJpeg, as_bgr


def _jpeg(width: int, height: int) -> bytes:
    image = np.zeros((height, width, 3), np.uint8)
    cv2.rectangle(image, (width // 4, height // 4), (width // 2, height // 2), (0, 200, 255), -1)
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return buf.tobytes()


def test_parse_reads_the_size_and_keeps_the_bytes() -> None:
    data = _jpeg(320, 240)
    jpeg = CameraJpeg.parse(data)
    assert (jpeg.width, jpeg.height) == (320, 240) and jpeg.data is data


def test_arithmetic_coded_jpegs_are_refused() -> None:
    data = bytearray(_jpeg(32, 32))
    at = data.index(b"\xff\xc0")
    data[at + 1] = 0xC9  # arithmetic coding: many decoders (and browsers) cannot read it
    with pytest.raises(CorruptPicture, match="unsupported JPEG kind"):
        CameraJpeg.parse(bytes(data))


@pytest.mark.parametrize(
    ("min_width", "shape"),
    [(0, (720, 1280, 3)), (640, (360, 640, 3)), (500, (360, 640, 3)), (320, (180, 320, 3)), (100, (90, 160, 3))],
)
def test_decode_at_the_smallest_scale_still_wide_enough(min_width: int, shape: tuple[int, int, int]) -> None:
    assert CameraJpeg.parse(_jpeg(1280, 720)).decode(min_width).shape == shape


def test_decode_failure_is_a_corrupt_picture() -> None:
    data = _jpeg(64, 48)
    at = data.index(b"\xff\xdb")  # drop the quantisation tables: the header still reads, decoding fails
    length = int.from_bytes(data[at + 2 : at + 4], "big")
    broken = CameraJpeg.parse(data[:at] + data[at + 2 + length :])
    with pytest.raises(CorruptPicture, match="could not be decoded"):
        broken.decode()


def test_as_bgr() -> None:
    image = np.zeros((4, 6, 3), np.uint8)
    assert as_bgr(image) is image
    assert as_bgr(CameraJpeg.parse(_jpeg(64, 48))).shape == (48, 64, 3)
