"""Pixel classes of the attribute measurements, relative to the picture's own exposure: light
cloth, skin, flames; and the crop of a box they are measured on."""

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from detectors.perception.base import Image
from detectors.perception.flame import FlameConfig

BoolImage = NDArray[np.bool_]
Box = tuple[float, float, float, float]
FLAME = FlameConfig()  # flame colours, as the flame plugin sees them
FLAME_REACH = 2  # pixels round a flame's that are its outline, not skin


@dataclass(frozen=True)
class Lighting:
    """Per-picture reference levels, so 'light' and 'dark' follow the kitchen's exposure."""

    light_v: float
    dark_v: float

    @classmethod
    def of(cls, image: Image) -> "Lighting":
        small = cv2.resize(image, (64, 36), interpolation=cv2.INTER_AREA)
        top = float(np.percentile(small.max(axis=2), 95))
        return cls(light_v=max(60.0, 0.62 * top), dark_v=max(25.0, 0.4 * top))


def crop(image: Image, x1: float, y1: float, x2: float, y2: float) -> Image:
    h, w = image.shape[:2]
    a, b = int(np.clip(round(x1), 0, w)), int(np.clip(round(x2), 0, w))
    c, d = int(np.clip(round(y1), 0, h)), int(np.clip(round(y2), 0, h))
    return image[c:d, a:b]


def light_mask(region: Image, lit: Lighting) -> BoolImage:
    hsv = cv2.cvtColor(region, cv2.COLOR_BGR2HSV)
    mask: BoolImage = (hsv[:, :, 2] >= lit.light_v) & (hsv[:, :, 1] <= 70)
    return mask


def dark_mask(region: Image, lit: Lighting) -> BoolImage:
    """Dark in every channel: hair, a dark jacket, shadow."""
    mask: BoolImage = region.max(axis=2) < lit.dark_v
    return mask


def skin_mask(region: Image, lit: Lighting) -> BoolImage:
    """Skin-coloured and not dark (dark brown hair has skin chroma, not skin brightness)."""
    mask: BoolImage = skin_chroma(region) & (region.max(axis=2) >= lit.dark_v)
    return mask


def skin_chroma(region: Image) -> BoolImage:
    """Skin's chroma (YCrCb), at any brightness."""
    ycc = cv2.cvtColor(region, cv2.COLOR_BGR2YCrCb)
    cr, cb = ycc[:, :, 1], ycc[:, :, 2]
    mask: BoolImage = (cr >= 135) & (cr <= 180) & (cb >= 80) & (cb <= 130)
    return mask


def flame_colour(region: Image) -> Image:
    """255 where ``region`` has flame colour (the flame plugin's: bright, saturated orange)."""
    hsv = cv2.cvtColor(region, cv2.COLOR_BGR2HSV)
    (lo, hi), sat, val = FLAME.hue_range, FLAME.min_saturation, FLAME.min_value
    return np.asarray(cv2.inRange(hsv, (lo, sat, val), (hi, 255, 255)), np.uint8)


def near_flames(region: Image) -> BoolImage:
    """Pixels of flame colour (the flame plugin's: bright, saturated orange) and those within
    FLAME_REACH of them. A flame's outline, blended with the dark stove behind it, has skin's
    colour: behind a cook's head it was the "face" (fresh compliant clip 20001, the wall under the
    burners read as a bare head: a false no_chef_hat). A skin piece mostly made of them is dropped
    whole: cut out of pieces, flames left face-sized remnants (tuning no_hat seed 47), and a face
    before the burners has only its edge beside them (fresh compliant clip 19036)."""
    flames = flame_colour(region)
    if not cv2.countNonZero(flames):
        return np.zeros(region.shape[:2], bool)
    near: BoolImage = cv2.dilate(flames, np.ones((3, 3), np.uint8), iterations=FLAME_REACH) > 0
    return near
