"""The perception plugin interface and the per-frame bag of results rules read from."""

from abc import ABC, abstractmethod
from typing import ClassVar, TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray

from detectors.errors import DetectorError

Image = NDArray[np.uint8]
T = TypeVar("T")


class Perceiver(ABC):
    """One perception plugin for one camera. It may remember earlier frames (a background model),
    but it only ever sees pixels: no time, no site, no rule settings."""

    key: ClassVar[str]

    @abstractmethod
    def observe(self, image: Image) -> object:
        """Judge one BGR (or grey) picture and return this plugin's result."""

    @abstractmethod
    def reset(self) -> None:
        """Forget what earlier frames taught (after a gap, a rebalance or a camera move)."""


class Percepts:
    """The results of one frame's perceivers, by plugin key, with typed access for rules."""

    def __init__(self, results: dict[str, object]) -> None:
        self._results = dict(results)

    def get(self, key: str, kind: type[T]) -> T:
        """The result of plugin ``key``; a clear error if it did not run or returned something else."""
        if key not in self._results:
            raise DetectorError(f"perception {key!r} did not run; ran {sorted(self._results)}")
        value = self._results[key]
        if not isinstance(value, kind):
            raise DetectorError(f"perception {key!r} gave {type(value).__name__}, expected {kind.__name__}")
        return value

    def keys(self) -> list[str]:
        return sorted(self._results)


def to_small_grey(image: Image, width: int) -> tuple[NDArray[np.float32], float, float]:
    """A grey float copy at most ``width`` wide (area-averaged, which also averages sensor noise),
    with the x and y factors that map its pixels back onto ``image``."""
    if image.ndim not in (2, 3) or image.size == 0:
        raise DetectorError(f"image must be (H, W) or (H, W, 3) and non-empty, got shape {image.shape}")
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape[:2]
    if w > width:
        small_h = max(1, round(h * width / w))
        grey = cv2.resize(grey, (width, small_h), interpolation=cv2.INTER_AREA)
    small = grey.astype(np.float32)
    return small, w / small.shape[1], h / small.shape[0]
