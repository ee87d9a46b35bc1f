"""Resizing and JPEG encoding of published frames."""

import cv2
import numpy as np
import pytest

from core.contracts import Frame
from ingest.encode import encode_jpeg, fit_width


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
