"""Ghosts in the small-motion background: where somebody stood still long enough to be learnt,
then walked off, the picture differs from the background though nothing is there.

A ghost changes nothing from frame to frame, shows again what a long-term background holds
there, and its outline is less of an edge in the picture than in the background. A cook standing
still differs from both backgrounds and has an outline; one back where they stood long ago
matches the long-term one but has an outline. The long-term background takes a pixel only after
it stayed unchanged for ``steady_frames`` and knows nothing before that (a cook in the first frame
is not the kitchen). Left to fade at the learning rate a ghost lasts 5-10 s, and as a large mover
it hid every rat that ran past it (tuning day rodent seeds 8, 110, 139). The edge test alone took
partly learnt cooks standing still in a dim, noisy picture for ghosts, and pieces of them for
rats (tuning seeds 44, 45); the long-term match alone learnt a cook away who came back to where
they stood in the first frame (tuning no_hat seed 52).
"""

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

Blob = tuple[int, int, int, int, int]  # x, y, width, height, pixel count (work pixels)
SLOW_EVERY = 5  # the long-term background is updated on one frame in this many
HALO = 2  # a ghost is learnt with a rim this wide (work pixels)
KERNEL = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))


class Ghosts:
    """The long-term background of one work picture size, and the ghost test against it."""

    def __init__(self, small: NDArray[Any], *, moving: float, match: float, edges: float, steady_frames: int) -> None:
        self.moving, self.match, self.edges = moving, match, edges
        self.steady_updates = -(-steady_frames // SLOW_EVERY)
        self.slow = small.copy()
        self.steady = np.zeros(small.shape, np.uint8)  # per pixel, its updates unchanged (saturating)
        self.known = np.zeros(small.shape, np.uint8)  # 1 where the long-term background learnt anything
        self.one = np.ones(small.shape, np.uint8)

    def learn(self, bg: NDArray[Any], changed: NDArray[np.bool_], moving: NDArray[np.bool_]) -> None:
        """The long-term background takes what the background has held unchanged for a while: a
        cook standing still is in it once the background has learnt them (3-8 s) and they stood
        on for steady_frames more. OpenCV calls throughout (every camera, once a second)."""
        steady = self.steady
        if steady.shape != bg.shape:
            return
        unsteady = cv2.bitwise_or(changed.view(np.uint8), moving.view(np.uint8))
        cv2.add(steady, self.one, dst=steady)  # saturates at 255
        cv2.subtract(steady, steady, dst=steady, mask=unsteady)  # back to 0 where anything changed
        _, long_steady = cv2.threshold(steady, self.steady_updates - 1, 1, cv2.THRESH_BINARY)
        cv2.copyTo(bg, long_steady, self.slow)
        cv2.bitwise_or(self.known, long_steady, dst=self.known)

    def absorbed(
        self,
        candidates: list[tuple[Blob, NDArray[Any]]],
        bg: NDArray[Any],
        mask: NDArray[np.uint8],
        moving: NDArray[np.bool_],
        small: NDArray[Any],
        threshold: float,
        mean_now: float,
    ) -> set[int]:
        """Indices of the ``candidates`` (large blobs with their outlines) that are ghosts; each is
        learnt into ``bg`` at once."""
        slow, known = self.slow, self.known
        if self.match > 1 or not candidates or not cv2.countNonZero(known):
            return set()
        ghosts: set[int] = set()
        gain: np.float32 | None = None
        for i, ((x, y, bw, bh, area), outline) in enumerate(candidates):
            box = (slice(y, y + bh), slice(x, x + bw))
            if cv2.countNonZero(moving[box].view(np.uint8) & mask[box]) >= self.moving * max(1, area):
                continue  # the cheap test first: most large blobs move
            inside = np.zeros((bh, bw), np.uint8)
            cv2.drawContours(inside, [outline], -1, 1, cv2.FILLED, offset=(-x, -y))
            pixels = max(1, cv2.countNonZero(inside))
            if gain is None:
                gain = np.float32((mean_now + 1.0) / (cv2.mean(slow, known)[0] + 1.0))
            back = (cv2.absdiff(small[box], slow[box] * gain) <= threshold).view(np.uint8) & inside & known[box]
            if cv2.countNonZero(back) >= self.match * pixels and self._edges_gone(inside, x, y, small, bg):
                _absorb(bg, inside, x, y, small)
                ghosts.add(i)
        return ghosts

    def _edges_gone(self, inside: NDArray[np.uint8], x: int, y: int, small: NDArray[Any], bg: NDArray[Any]) -> bool:
        """Whether the outline of the blob ``inside`` (its box's top left at x, y) is less of an
        edge in the picture than in the background (mean morphological gradient along it, under
        ``edges`` of the background's): the picture shows what was behind whoever the background
        holds there, not somebody's outline."""
        h, w = small.shape
        bh, bw = inside.shape
        x0, y0, x1, y1 = max(0, x - 1), max(0, y - 1), min(w, x + bw + 1), min(h, y + bh + 1)
        rim = np.zeros((y1 - y0, x1 - x0), np.uint8)
        rim[y - y0 : y - y0 + bh, x - x0 : x - x0 + bw] = inside
        rim = cv2.subtract(rim, cv2.erode(rim, KERNEL))  # the blob's own outermost pixels
        now = cv2.mean(cv2.morphologyEx(small[y0:y1, x0:x1], cv2.MORPH_GRADIENT, KERNEL), rim)[0]
        then = cv2.mean(cv2.morphologyEx(bg[y0:y1, x0:x1], cv2.MORPH_GRADIENT, KERNEL), rim)[0]
        return bool(now < self.edges * then)


def _absorb(bg: NDArray[Any], inside: NDArray[np.uint8], x: int, y: int, small: NDArray[Any]) -> None:
    """Learn the blob ``inside`` (its box's top left at x, y) into ``bg`` at once, with a rim of
    HALO pixels: the blurred edge of whoever stood there, which the background took in with them
    and which, under the change threshold while they stood, never joined the blob (left behind,
    it outlined the ghost as a thin "large" ring for seconds)."""
    h, w = small.shape
    bh, bw = inside.shape
    x0, y0, x1, y1 = max(0, x - HALO), max(0, y - HALO), min(w, x + bw + HALO), min(h, y + bh + HALO)
    grown = np.zeros((y1 - y0, x1 - x0), np.uint8)
    grown[y - y0 : y - y0 + bh, x - x0 : x - x0 + bw] = inside
    grown = cv2.dilate(grown, KERNEL, iterations=HALO)
    np.copyto(bg[y0:y1, x0:x1], small[y0:y1, x0:x1], where=grown.view(bool))
