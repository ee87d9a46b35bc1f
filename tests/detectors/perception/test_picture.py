"""A frame's JPEG is decoded only as far as plugins ask: thumbnails from a reduced grey decode,
the full colour picture on demand, coordinates always those of the full picture."""

import cv2
import numpy as np
import pytest

from core.contracts import Frame
from detectors.errors import DetectorError
from detectors.handler import picture_of
from detectors.perception.base import shared_thumbnails, to_small_bgr, to_small_grey
from detectors.perception.picture import Picture, jpeg_size, pixels
from detectors.pipeline import CameraPipeline
from tests.detectors import scenes


def encoded(image: np.ndarray, **flags: int) -> bytes:
    params = [p for k, v in flags.items() for p in (getattr(cv2, k), v)]
    ok, buf = cv2.imencode(".jpg", image, params)
    assert ok
    return buf.tobytes()


@pytest.mark.parametrize("flags", [{}, {"IMWRITE_JPEG_PROGRESSIVE": 1}, {"IMWRITE_JPEG_OPTIMIZE": 1}])
def test_the_size_is_read_from_the_header(flags: dict[str, int]) -> None:
    assert jpeg_size(encoded(np.zeros((37, 53, 3), np.uint8), **flags)) == (53, 37)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "no start-of-image marker"),
        (b"GIF89a....", "no start-of-image marker"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "it ends before the frame header"),
        (b"\xff\xd8\x00\x00\x00\x00", "no marker at byte 2"),
    ],
)
def test_what_is_not_a_jpeg_is_named(data: bytes, why: str) -> None:
    with pytest.raises(DetectorError, match=f"could not be decoded as a JPEG: {why}"):
        jpeg_size(data)


def test_thumbnails_need_no_full_decode_and_map_to_full_coordinates() -> None:
    image = scenes.kitchen()
    h, w = image.shape[:2]
    picture = Picture(encoded(image), w, h)
    array = scenes.decode(picture.jpeg)
    with shared_thumbnails(picture):
        for width in (96, 160, 320):
            small, sx, sy = to_small_grey(picture, width)
            reference, rx, ry = to_small_grey(array, width)
            assert small.shape == reference.shape and (sx, sy) == (rx, ry) == (w / small.shape[1], h / small.shape[0])
            # The same picture, scaled by the decoder instead of averaged after it.
            assert float(np.abs(small - reference).mean()) < 1.5
        colour, reference_colour = to_small_bgr(picture, 320), to_small_bgr(array, 320)
        assert colour.shape == reference_colour.shape == (h // 2, w // 2, 3)
        assert float(np.abs(colour.astype(np.float32) - reference_colour).mean()) < 2.0
        assert not picture.decoded  # colour thumbnails come from a reduced colour decode
        assert pixels(picture) is picture.colour() and picture.decoded
    assert picture.thumbnail_source().shape == (h // 2, w // 2)  # 640 wide: decoded at half size


def test_a_large_frame_is_thumbnailed_from_a_quarter_size_decode() -> None:
    big = cv2.resize(scenes.kitchen(), (1920, 1080))
    picture = Picture(encoded(big), 1920, 1080)
    assert picture.thumbnail_source().shape == (270, 480)
    _, sx, sy = to_small_grey(picture, 320)
    assert (sx, sy) == (6.0, 6.0)
    assert picture.colour_thumbnail_source().shape == (270, 480, 3)
    assert to_small_bgr(picture, 320).shape == (180, 320, 3)
    assert not picture.decoded


def test_a_jpeg_that_is_not_the_size_it_claims_fails_clearly() -> None:
    data = encoded(scenes.kitchen())
    with pytest.raises(DetectorError, match="expected 1280x720"):
        Picture(data, 1280, 720).thumbnail_source()
    with pytest.raises(DetectorError, match="expected 642x360"):
        Picture(data, 642, 360).colour()


def test_a_static_kitchen_is_judged_mostly_without_the_full_decode() -> None:
    pipeline = CameraPipeline("cam")
    full = 0
    for i in range(40):
        data = encoded(scenes.kitchen(seed=i % 3 + 1))  # the same room, a little sensor noise
        frame = Frame("cam", "s1", 1_700_000_000_000 + i * 200, i, 640, 360, data)
        picture = picture_of(frame)
        pipeline.process(frame, picture)
        full += picture.decoded
    # Only the person detector's first look needs the full colour picture (the flame plugin's
    # frames, one in five, take a reduced colour decode).
    assert full <= 2


def test_a_frame_the_flame_plugin_judges_is_decoded_once_in_colour_and_greyed_from_that() -> None:
    pipeline = CameraPipeline("cam")  # the default rules: the flame plugin judges one frame in five
    colour_first = []
    for i in range(10):
        data = encoded(scenes.kitchen(seed=i % 3 + 1))
        frame = Frame("cam", "s1", 1_700_000_000_000 + i * 200, i, 640, 360, data)
        picture = picture_of(frame, pipeline)
        colour_first.append(picture._colour_thumb is not None)
        if colour_first[-1]:
            grey = picture.thumbnail_source()
            assert np.array_equal(grey, cv2.cvtColor(picture.colour_thumbnail_source(), cv2.COLOR_BGR2GRAY))
            # the levels of libjpeg's own grey decode, but at a few clipped saturated pixels
            reduced = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_REDUCED_GRAYSCALE_2)
            assert float(np.abs(grey.astype(np.int16) - reduced).mean()) < 0.05
            assert not grey.flags.writeable
        pipeline.process(frame, picture)
    flame = pipeline._perceivers["flame"]
    assert colour_first == [i == 0 or flame.due(i) for i in range(10)]  # its first frame, then its cadence
    assert picture_of(frame)._colour_thumb is None  # without a pipeline: the grey decode only
