"""Blobs of sparse masks, and their dilation worked out only round them."""

import cv2
import numpy as np
import pytest

from detectors.perception.blobs import dilated_window


@pytest.mark.parametrize("iterations", [1, 2])
def test_a_dilation_worked_out_round_the_set_pixels_is_the_whole_pictures(iterations: int) -> None:
    rng = np.random.default_rng(iterations)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    for _ in range(50):
        mask = np.zeros((36, 64), np.uint8)
        for y, x in rng.integers(0, (36, 64), size=(int(rng.integers(1, 5)), 2)):
            mask[y, x] = 1  # corners and edges included
        found = dilated_window(mask, kernel, iterations)
        assert found is not None
        (rows, cols), near = found
        whole = cv2.dilate(mask, kernel, iterations=iterations)
        inside = np.zeros_like(whole)
        inside[rows, cols] = near
        assert np.array_equal(inside, whole)
    assert dilated_window(np.zeros((36, 64), np.uint8), kernel) is None
