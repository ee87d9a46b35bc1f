"""The current picture, small, grey and lightly smoothed, for rules that ask "does this zone
still look like it should?" (a bin lid closed, a door shut).

Perception stays pure: this plugin knows no zones and keeps no memory. A rule keeps its own
reference of each of its zones (bin_open learns the closed lid only while nobody stands in front
of it) and compares the zone's pixels with :func:`pattern_similarity` (normalised correlation,
blind to lighting level).
"""

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from detectors.detections import PixelZone
from detectors.perception.base import Perceiver, Pixels, blurred_small_grey, to_small_grey

FloatImage = NDArray[np.float32]
FloatPixels = NDArray[np.float32]  # one zone's pixels, taken out of a picture with its mask


class ZoneStateConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    work_width: int = Field(default=320, ge=64, le=1280, description="Width the picture is kept at.")


@dataclass(frozen=True, eq=False)
class ZoneStateReport:
    """``current`` is grey; ``scale`` maps input-picture pixels onto it."""

    current: FloatImage
    scale: tuple[float, float]


class ZoneState(Perceiver):
    key = "zone_state"

    def __init__(self, config: ZoneStateConfig | None = None) -> None:
        self.config = config or ZoneStateConfig()

    def observe(self, image: Pixels) -> ZoneStateReport:
        _, sx, sy = to_small_grey(image, self.config.work_width)
        current: FloatImage = blurred_small_grey(image, self.config.work_width, 3)
        return ZoneStateReport(current, (1.0 / sx, 1.0 / sy))

    def reset(self) -> None:
        """Nothing to forget: each picture stands alone."""


def zone_mask(zone: PixelZone, shape: tuple[int, int], scale: tuple[float, float]) -> NDArray[np.bool_]:
    """The zone's pixels on a picture of ``shape`` that is ``scale`` times the input picture."""
    mask = np.zeros(shape, np.uint8)
    poly = np.round(np.asarray(zone.polygon, np.float64) * np.array(scale)).astype(np.int32)
    cv2.fillPoly(mask, [poly], 1)
    out: NDArray[np.bool_] = mask.astype(bool)
    return out


def pattern_similarity(reference: FloatPixels, current: FloatPixels) -> float | None:
    """Normalised correlation of a zone's pixels in two pictures, taken out in the same order (1 =
    the same pattern, whatever the lighting level); None when the zone is too small or the
    reference is featureless."""
    if len(reference) < 16:
        return None
    a: NDArray[Any] = reference.astype(np.float64)
    b: NDArray[Any] = current.astype(np.float64)
    a -= a.mean()
    b -= b.mean()
    na, nb = float(np.sqrt((a * a).sum())), float(np.sqrt((b * b).sum()))
    if na < 1e-6 * len(a) + 1.0:
        return None
    if nb < 1e-9:
        return 0.0
    return float((a * b).sum() / (na * nb))
