"""A reference picture of the scene in its normal state, and the current picture, for rules that
ask "does this zone still look like it should?" (a bin lid closed, a door shut).

The reference is the per-pixel median of the first ``reference_frames`` frames taken every
``reference_stride`` frames (about 6 s at 5 fps by default), so people walking through are not
part of it. It is learnt when the plugin starts and again after :meth:`reset` (a rebalance, a
restart): install or restart the detector with the kitchen in its normal state (bins closed).
It is deliberately not updated afterwards: a bin left open all day must keep differing.

Perception stays pure: this plugin knows no zones. Rules compare the two pictures inside their
zone with :func:`zone_similarity` (normalised correlation, blind to lighting level).
"""

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from detectors.detections import PixelZone
from detectors.perception.base import Image, Perceiver, to_small_grey

FloatImage = NDArray[np.float32]
FloatPixels = NDArray[np.float32]  # one zone's pixels, taken out of a picture with its mask


class ZoneStateConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    work_width: int = Field(default=320, ge=64, le=1280, description="Width the pictures are kept at.")
    reference_frames: int = Field(default=15, ge=1, le=100, description="Frames whose median is the reference.")
    reference_stride: int = Field(default=2, ge=1, description="Take every n-th frame for the reference.")


@dataclass(frozen=True, eq=False)
class ZoneStateReport:
    """``reference`` is None until learnt. Both pictures are grey, ``scale`` maps input-picture
    pixels onto them."""

    reference: FloatImage | None
    current: FloatImage
    scale: tuple[float, float]


class ZoneState(Perceiver):
    key = "zone_state"

    def __init__(self, config: ZoneStateConfig | None = None) -> None:
        self.config = config or ZoneStateConfig()
        self.reset()

    def reset(self) -> None:
        self._frames = 0
        self._stack: list[FloatImage] = []
        self._reference: FloatImage | None = None

    def observe(self, image: Image) -> ZoneStateReport:
        cfg = self.config
        grey, sx, sy = to_small_grey(image, cfg.work_width)
        current: FloatImage = cv2.GaussianBlur(grey, (3, 3), 0).astype(np.float32, copy=False)
        if self._reference is not None and self._reference.shape != current.shape:
            self.reset()
        if self._reference is None:
            if self._frames % cfg.reference_stride == 0:
                self._stack.append(current)
            if len(self._stack) >= cfg.reference_frames:
                ref: FloatImage = np.median(np.stack(self._stack), axis=0).astype(np.float32)
                ref.setflags(write=False)
                self._reference, self._stack = ref, []
        self._frames += 1
        return ZoneStateReport(self._reference, current, (1.0 / sx, 1.0 / sy))


def zone_mask(zone: PixelZone, shape: tuple[int, int], scale: tuple[float, float]) -> NDArray[np.bool_]:
    """The zone's pixels on a picture of ``shape`` that is ``scale`` times the input picture."""
    mask = np.zeros(shape, np.uint8)
    poly = np.round(np.asarray(zone.polygon, np.float64) * np.array(scale)).astype(np.int32)
    cv2.fillPoly(mask, [poly], 1)
    out: NDArray[np.bool_] = mask.astype(bool)
    return out


def zone_similarity(reference: FloatImage, current: FloatImage, mask: NDArray[np.bool_]) -> float | None:
    """Normalised correlation of the two pictures inside ``mask`` (1 = same pattern, whatever the
    lighting level); None when the zone is too small or the reference there is featureless."""
    return pattern_similarity(reference[mask], current[mask])


def pattern_similarity(reference: FloatPixels, current: FloatPixels) -> float | None:
    """:func:`zone_similarity` of two zones' pixels already taken out (same order and count)."""
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
