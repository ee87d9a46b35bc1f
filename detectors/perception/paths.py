"""Small movers frame to frame: which blob of this frame stepped from which of the last one, and
how many steps in a row each has made.

A step is plausible when it is at least a least step (a blob that stayed is no mover) and at most
a longest one (nothing teleports), when the blob was not already where it is now (a steady blob
beside another steady one), and when no blob of this frame still occupies the place it came from:
what ran from there left it. Centres are in work pixels.
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray


def stepped(centres: NDArray[Any], last: NDArray[Any], now: NDArray[Any], least: float, most: float) -> NDArray[Any]:
    """(n, m) booleans: centre i of this frame (``centres``, (n, 2)) is a plausible step from
    centre j of the last frame (``last``, (m, 2)); ``now``: the centres of every blob of this
    frame, which occupy the places they are at."""
    if not len(centres) or not len(last):
        return np.zeros((len(centres), len(last)), np.bool_)
    dist = np.linalg.norm(centres[:, None, :] - last[None, :, :], axis=2)
    out: NDArray[np.bool_] = (dist >= least) & (dist <= most)
    out &= ~(dist < least).any(axis=1, keepdims=True)
    if len(now):
        occupied = (np.linalg.norm(last[:, None, :] - now[None, :, :], axis=2) < least).any(axis=1)
        out &= ~occupied[None, :]
    return out


TURN = 0.5  # a step turning further than this cosine from the last one starts a new run (60 degrees)


class Paths:
    """The steps in a row, each in much the direction of the one before, of every blob followed,
    frame after frame: a rat runs on; the pieces of a cook seen in bits hop from one to another
    (fresh compliant clip 25427: a knee, a hip and a hand, 35-50 px apart, down and up again)."""

    def __init__(self, least: float, most: float) -> None:
        self.least, self.most = least, most  # shares of the picture width
        self.reset()

    def reset(self) -> None:
        self._centres: NDArray[Any] = np.zeros((0, 2))
        self._steps: NDArray[np.int_] = np.zeros(0, np.int_)
        self._heading: NDArray[Any] = np.zeros((0, 2))  # each one's last step (0, 0: none yet)

    @property
    def following(self) -> bool:
        return len(self._centres) > 0

    def follow(self, centres: NDArray[Any], now: NDArray[Any], width: int) -> NDArray[np.int_]:
        """For each of this frame's ``centres``, the steps in a row it has made (0: none);
        ``now``: every blob's centre this frame."""
        centres = centres.reshape(-1, 2)
        came = stepped(centres, self._centres, now, self.least * width, self.most * width)
        move = centres[:, None, :] - self._centres[None, :, :]  # (n, m, 2) the step from each
        turn = (move * self._heading[None, :, :]).sum(axis=2)
        turn /= np.maximum(np.linalg.norm(move, axis=2) * np.linalg.norm(self._heading, axis=1)[None, :], 1e-9)
        first: NDArray[np.bool_] = ~np.any(self._heading, axis=1)
        on = came & ((turn >= TURN) | first[None, :])  # ran on, or its first step
        counts = np.where(on, self._steps[None, :] + 1, np.where(came, 1, 0))
        best = counts.argmax(axis=1) if counts.size else np.zeros(len(centres), np.intp)
        steps: NDArray[np.int_] = counts.max(axis=1, initial=0).astype(np.int_)
        heading = np.zeros_like(centres)
        if counts.size:
            rows = np.flatnonzero(steps > 0)
            heading[rows] = move[rows, best[rows]]
        self._centres, self._steps, self._heading = centres, steps, heading
        return steps
