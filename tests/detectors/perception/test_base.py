"""Thumbnails shared by the plugins of one frame: computed once, read-only, never confused."""

import cv2
import numpy as np
import pytest

from detectors.errors import DetectorError
from detectors.perception.base import blurred_small_grey, shared_thumbnails, to_small_bgr, to_small_grey
from tests.detectors import scenes


def _picture(seed: int) -> np.ndarray:
    return scenes.roundtrip(scenes.with_walker(scenes.kitchen(seed=seed), x=200 + 40 * seed, feet_y=320))


@pytest.mark.parametrize("width", [320, 160, 96, 641])
def test_thumbnails_match_a_direct_area_resize(width: int) -> None:
    img = _picture(1)
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    small, sx, sy = to_small_grey(img, width)
    w = min(width, 640)
    h = round(360 * w / 640)
    direct = cv2.resize(grey, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
    assert small.shape == direct.shape and (sx, sy) == (640 / w, 360 / h)
    # Halving first, then one last area step: the same picture, only the last step's pixel
    # borders differ a little from one big area step (at sharp edges most).
    diff = np.abs(small - direct)
    assert float(diff.mean()) < 1.5 and float(diff.max()) <= 32, (float(diff.mean()), float(diff.max()))


def test_one_computation_per_frame_and_read_only() -> None:
    img = _picture(2)
    with shared_thumbnails(img):
        a, _, _ = to_small_grey(img, 160)
        b, _, _ = to_small_grey(img, 160)
        colour = to_small_bgr(img, 320)
        assert a is b and colour is to_small_bgr(img, 320)
        blurred = blurred_small_grey(img, 320, 3)
        assert blurred is blurred_small_grey(img, 320, 3) and blurred is not blurred_small_grey(img, 320, 5)
        assert np.array_equal(blurred, cv2.GaussianBlur(to_small_grey(img, 320)[0], (3, 3), 0))
        with pytest.raises(ValueError, match="read-only"):
            a += 1
        with pytest.raises(ValueError, match="read-only"):
            colour[0, 0, 0] = 1
        with pytest.raises(ValueError, match="read-only"):
            blurred[0, 0] = 1
        other = _picture(3)  # not the shared picture: computed afresh, never the shared result
        c, _, _ = to_small_grey(other, 160)
        assert c is not a and not np.array_equal(c, a)
    # outside the block nothing is remembered: a picture changed in place gives new thumbnails
    img[:] = 0
    d, _, _ = to_small_grey(img, 160)
    assert float(d.max()) == 0.0


def test_bad_pictures_are_clear_errors() -> None:
    with pytest.raises(DetectorError, match="non-empty"):
        to_small_grey(np.zeros((0, 0, 3), np.uint8), 96)
    with pytest.raises(DetectorError, match="shape"):
        to_small_bgr(np.zeros((4, 4, 3, 2), np.uint8), 96)


def test_percepts_say_which_plugins_ran() -> None:
    from detectors.perception.base import Percepts

    percepts = Percepts({"motion": 1, "health": 2})
    assert "motion" in percepts and "scene" not in percepts
    assert percepts.keys() == ["health", "motion"]
