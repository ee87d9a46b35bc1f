"""The JPEG of a published frame: the camera's own when it fits, else resized and encoded."""

import cv2
import numpy as np
import pytest

from core.contracts import Frame
from core.contracts.frame import MAX_FRAME_BYTES
from ingest.encode import encode_jpeg, fit_width, frame_jpeg, passes_through
from ingest.picture import CameraJpeg


@pytest.mark.parametrize(
    ("size", "target", "expected"),
    [
        ((1920, 1080), 640, (640, 360)),
        ((1280, 720), 640, (640, 360)),
        ((320, 240), 640, (320, 240)),
        ((1000, 333), 500, (500, 166)),
        ((704, 576), 640, (640, 524)),
    ],
)
def test_fit_width_keeps_aspect_and_never_enlarges(
    size: tuple[int, int], target: int, expected: tuple[int, int]
) -> None:
    assert fit_width(*size, target) == expected


def test_encode_gives_a_valid_frame() -> None:
    img = np.random.default_rng(0).integers(0, 255, (720, 1280, 3), dtype=np.uint8)
    jpeg, w, h = encode_jpeg(img, 640, 80)
    assert (w, h) == (640, 360)
    frame = Frame("c1", "s1", 1, 1, w, h, jpeg)
    decoded = cv2.imdecode(np.frombuffer(frame.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None and decoded.shape == (360, 640, 3)


def test_quality_changes_size() -> None:
    img = np.random.default_rng(1).integers(0, 255, (240, 320, 3), dtype=np.uint8)
    assert len(encode_jpeg(img, 640, 30)[0]) < len(encode_jpeg(img, 640, 95)[0])


def _camera_jpeg(width: int, height: int) -> CameraJpeg:
    img = np.random.default_rng(width).integers(0, 255, (height, width, 3), dtype=np.uint8)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert ok
    return CameraJpeg.parse(buf.tobytes())


@pytest.mark.parametrize("size", [(640, 360), (320, 240)])
def test_camera_jpegs_that_fit_pass_through_unchanged(size: tuple[int, int]) -> None:
    picture = _camera_jpeg(*size)
    assert passes_through(picture, 640)
    jpeg, w, h = frame_jpeg(picture, 640, 50)
    assert jpeg is picture.data  # neither decoded nor re-encoded: the camera's quality stays
    assert (w, h) == size


@pytest.mark.parametrize(("size", "expected"), [((1280, 720), (640, 360)), ((800, 600), (640, 480))])
def test_wider_camera_jpegs_are_resized_and_re_encoded(size: tuple[int, int], expected: tuple[int, int]) -> None:
    picture = _camera_jpeg(*size)
    assert not passes_through(picture, 640)
    jpeg, w, h = frame_jpeg(picture, 640, 80)
    assert (w, h) == expected and jpeg != picture.data
    decoded = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == (expected[1], expected[0], 3)


def test_decoded_pictures_are_encoded() -> None:
    img = np.zeros((360, 640, 3), np.uint8)
    assert frame_jpeg(img, 640, 80) == encode_jpeg(img, 640, 80)
    assert not passes_through(img, 640)


def test_oversized_camera_jpegs_do_not_pass_through() -> None:
    huge = CameraJpeg(b"\xff\xd8" + bytes(MAX_FRAME_BYTES), 64, 48)
    assert not passes_through(huge, 640)
