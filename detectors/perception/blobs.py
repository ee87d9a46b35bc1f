"""Outer blobs of sparse 0/1 masks (small movers, flames): boxes and pixel counts by contours,
and their dilation worked out only where they are."""

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from detectors.perception.ghosts import Blob


def outlined_blobs(mask: NDArray[Any]) -> list[tuple[Blob, NDArray[Any]]]:
    """Outer blobs of a sparse 0/1 mask with their outlines (corners only). Contours, not
    connected-component labelling: on a mostly empty mask they cost a twentieth as much. The
    pixel count is that of the blob's box."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out: list[tuple[Blob, NDArray[Any]]] = []
    for c in contours:
        x, y, bw, bh = cv2.boundingRect(c)
        out.append(((x, y, bw, bh, int(np.count_nonzero(mask[y : y + bh, x : x + bw]))), c))
    return out


def blobs_of(mask: NDArray[Any]) -> list[Blob]:
    """Outer blobs of a sparse 0/1 mask (:func:`outlined_blobs` without the outlines)."""
    return [blob for blob, _ in outlined_blobs(mask)]


Window = tuple[slice, slice]  # rows, columns


def dilated_window(
    mask: NDArray[np.uint8], kernel: NDArray[Any], iterations: int = 1
) -> tuple[Window, NDArray[Any]] | None:
    """``cv2.dilate(mask, kernel, iterations=iterations)`` of a sparse mask, worked out only in
    the window round its set pixels outside which the dilation is all 0: that window and the
    dilation in it (the same pixels as the whole picture's), or None for an empty mask. On a
    camera's every frame the mask is a few flames or movers, the window a small share."""
    x, y, w, h = cv2.boundingRect(mask)
    if w == 0 or h == 0:
        return None
    ry, rx = kernel.shape[0] // 2 * iterations, kernel.shape[1] // 2 * iterations
    rows = slice(max(0, y - ry), min(mask.shape[0], y + h + ry))
    cols = slice(max(0, x - rx), min(mask.shape[1], x + w + rx))
    return (rows, cols), cv2.dilate(mask[rows, cols], kernel, iterations=iterations)
