"""The perception plugin interface and the per-frame bag of results rules read from."""

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray

from detectors.errors import DetectorError
from detectors.perception.picture import THUMB_WIDTH, Image, Picture, pixels

__all__ = [
    "Image",
    "Perceiver",
    "Percepts",
    "Picture",
    "Pixels",
    "blurred_small_grey",
    "pixels",
    "shared_thumbnails",
    "to_small_bgr",
    "to_small_grey",
]

# What plugins judge: a decoded array, or a frame's JPEG decoded as far as they ask
# (:mod:`detectors.perception.picture`). Thumbnails and ``shape`` work the same on both;
# ``pixels()`` gives the full array.
Pixels = Image | Picture
T = TypeVar("T")


class Perceiver(ABC):
    """One perception plugin for one camera. It may remember earlier frames (a background model),
    but it only ever sees pixels: no time, no site, no rule settings."""

    key: ClassVar[str]
    # Judge one frame in ``cadence``; the pipeline hands the rules the last result in between.
    # For signals that change over seconds (a lens blurred or moved, a stove's flames), not from
    # one frame to the next. ``phase`` staggers such plugins so they do not all run on one frame.
    cadence: ClassVar[int] = 1
    phase: ClassVar[int] = 0
    # Judges the reduced colour picture (``to_small_bgr``): on its frames the picture is decoded
    # once in colour and the grey thumbnails come from that, not from a second, grey decode.
    colour_thumbnails: ClassVar[bool] = False

    def due(self, frame_number: int) -> bool:
        """Whether this plugin judges the pipeline's ``frame_number``-th frame (counting from 0)."""
        return self.cadence <= 1 or frame_number % self.cadence == self.phase % self.cadence

    @abstractmethod
    def observe(self, image: Pixels) -> object:
        """Judge one BGR (or grey) picture and return this plugin's result."""

    @abstractmethod
    def reset(self) -> None:
        """Forget what earlier frames taught (after a gap, a rebalance or a camera move)."""


class Percepts:
    """The results of one frame's perceivers, by plugin key, with typed access for rules."""

    def __init__(self, results: dict[str, object]) -> None:
        self._results = dict(results)
        self._keys = sorted(self._results)
        # What rules derive from these results (who is in view, say), worked out once per frame
        # however many rules ask: the results are read-only, so it cannot go stale.
        self.derived: dict[str, object] = {}

    def get(self, key: str, kind: type[T]) -> T:
        """The result of plugin ``key``; a clear error if it did not run or returned something else."""
        if key not in self._results:
            raise DetectorError(f"perception {key!r} did not run; ran {sorted(self._results)}")
        value = self._results[key]
        if not isinstance(value, kind):
            raise DetectorError(f"perception {key!r} gave {type(value).__name__}, expected {kind.__name__}")
        return value

    def keys(self) -> list[str]:
        return list(self._keys)

    def __contains__(self, key: object) -> bool:
        """Whether plugin ``key`` ran (rules ask this every frame: a dict lookup, no list)."""
        return key in self._results


class _Memo(threading.local):
    """The thumbnails of the picture being judged now, shared by every plugin that asks.

    Only inside :func:`shared_thumbnails` (the pipeline wraps one frame's perception in it):
    there the picture cannot change under us. Elsewhere every call computes afresh. The arrays
    handed out are read-only, so no plugin can spoil another's input."""

    def __init__(self) -> None:
        self.share(None)

    def share(self, image: Pixels | None) -> None:
        self.image: Pixels | None = image
        self.grey: NDArray[Any] | None = None
        self.small: dict[int, tuple[NDArray[np.float32], float, float]] = {}
        self.blurred: dict[tuple[int, int], NDArray[np.float32]] = {}  # (width, kernel) -> thumbnail
        self.bgr: dict[int, Image] = {}
        self.halves: dict[int, NDArray[Any]] = {}  # grey halvings by width
        self.thumb_halves: dict[int, NDArray[Any]] = {}  # the same, of a picture's reduced decode
        self.bgr_halves: dict[int, NDArray[Any]] = {}
        self.thumb_bgr_halves: dict[int, NDArray[Any]] = {}  # of a picture's reduced colour decode

    def of(self, image: Pixels) -> "_Memo":
        if self.image is not image:
            return _Memo()  # not the picture being shared: a throwaway memo
        return self


_memo = _Memo()


@contextmanager
def shared_thumbnails(image: Pixels) -> Iterator[None]:
    """Within the block, plugins asking for thumbnails of ``image`` share one computation."""
    _memo.share(image)
    try:
        yield
    finally:
        _memo.share(None)


def _check(image: Pixels) -> None:
    if image.ndim not in (2, 3) or image.size == 0:
        raise DetectorError(f"image must be (H, W) or (H, W, 3) and non-empty, got shape {image.shape}")


def to_small_grey(image: Pixels, width: int) -> tuple[NDArray[np.float32], float, float]:
    """A grey float copy at most ``width`` wide (area-averaged, which also averages sensor noise),
    with the x and y factors that map its pixels back onto ``image``. Read-only, and computed
    once per picture and width however many plugins ask. A :class:`Picture`'s thumbnails up to
    :data:`THUMB_WIDTH` wide come from its reduced decode, so they never need the full one."""
    _check(image)
    memo = _memo.of(image)
    found = memo.small.get(width)
    if found is not None:
        return found
    source: NDArray[Any]
    if isinstance(image, Picture) and width <= THUMB_WIDTH:
        source, halves = image.thumbnail_source(), memo.thumb_halves
    else:
        grey = memo.grey
        if grey is None:
            full = pixels(image)
            grey = memo.grey = full if full.ndim == 2 else cv2.cvtColor(full, cv2.COLOR_BGR2GRAY)
        source, halves = grey, memo.halves
    h, w = image.shape[:2]
    small = _shrink(source, width, halves).astype(np.float32)
    small.setflags(write=False)
    found = memo.small[width] = (small, w / small.shape[1], h / small.shape[0])
    return found


def blurred_small_grey(image: Pixels, width: int, kernel: int) -> NDArray[np.float32]:
    """``to_small_grey(image, width)`` Gaussian-blurred with a ``kernel`` x ``kernel`` kernel
    (sigma from its size), read-only, once per picture however many plugins ask (small movers
    and zone states both judge the 320-wide thumbnail blurred 3x3)."""
    memo = _memo.of(image)
    found = memo.blurred.get((width, kernel))
    if found is None:
        grey, _, _ = to_small_grey(image, width)
        blurred: NDArray[np.float32] = cv2.GaussianBlur(grey, (kernel, kernel), 0).astype(np.float32, copy=False)
        blurred.setflags(write=False)
        found = memo.blurred[(width, kernel)] = blurred
    return found


def _shrink(picture: NDArray[Any], width: int, halves: dict[int, NDArray[Any]]) -> NDArray[Any]:
    """``picture`` area-averaged to at most ``width`` wide: halved while that stays at least
    ``width`` (exact 2x2 means, which OpenCV does an order of magnitude faster than an odd
    factor), then one small last step. The halves are kept in ``halves`` for other widths."""
    current = picture
    while current.shape[1] // 2 >= width:
        half = halves.get(current.shape[1] // 2)
        if half is None:
            h2, w2 = current.shape[0] // 2, current.shape[1] // 2
            half = halves[w2] = cv2.resize(current[: h2 * 2, : w2 * 2], (w2, h2), interpolation=cv2.INTER_AREA)
        current = half
    h, w = current.shape[:2]
    if w > width:
        current = cv2.resize(current, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    return current


def to_small_bgr(image: Pixels, width: int) -> Image:
    """The colour picture at most ``width`` wide (area-averaged), read-only, once per picture.
    A :class:`Picture`'s, up to :data:`THUMB_WIDTH` wide, come from its reduced colour decode."""
    _check(image)
    memo = _memo.of(image)
    found = memo.bgr.get(width)
    if found is None:
        full: NDArray[Any]
        if isinstance(image, Picture) and width <= THUMB_WIDTH:
            full, halves = image.colour_thumbnail_source(), memo.thumb_bgr_halves
        else:
            full, halves = pixels(image), memo.bgr_halves
        colour: NDArray[Any] = full if full.ndim == 3 else cv2.cvtColor(full, cv2.COLOR_GRAY2BGR)
        bgr: Image = _shrink(colour, width, halves)
        if bgr is full:
            bgr = full.view()
        bgr.setflags(write=False)
        found = memo.bgr[width] = bgr
    return found
