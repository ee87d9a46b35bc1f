"""Whether a known person's head changed since the detectors last looked at them.

The change gate (:mod:`detectors.perception.gate`) opens for a change a person's size, so that
flames and steam never run the heavy detectors. A cook standing still who takes off a hat or
pulls down a mask changes a few thumbnail pixels at their head only: no gate opens, and what was
judged when they arrived stands until the people plugin's refresh (2 s), and the rule's dwell
starts that much later (tuning no_mask seed 22: the mask came off at 30.8 s, the next look was
at 33.2 s). This test compares each person's head (the top of their box, where hat and mask
are; flames burn lower, at the counter) with the picture the detectors last ran on, on the
160-wide thumbnail the motion plugin makes anyway.

Lighting drift is divided out and the threshold follows the light, by the gate's own test
(:func:`detectors.perception.gate.changed_pixels`). Pure: only pixels and boxes, no time.
"""

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from detectors.detections import FloatArray
from detectors.perception.base import Pixels, blurred_small_grey
from detectors.perception.gate import changed_pixels


class HeadChangeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    width: int = Field(default=160, ge=32, le=640, description="Width of the thumbnail compared.")
    head_share: float = Field(
        default=0.35, gt=0, le=1, description="Top share of a person box compared (hat, face, mask)."
    )
    threshold: float = Field(default=10.0, gt=0, description="Grey-level change that counts when lit.")
    dark_threshold: float = Field(default=3.0, gt=0, description="The lowest threshold, reached in dark scenes.")
    lit_level: float = Field(default=100.0, gt=0, description="Mean grey level from which the full threshold applies.")
    min_pixels: int = Field(
        default=4, ge=1, description="Changed thumbnail pixels in one head that count as a change of that head."
    )


class HeadChange:
    """``looked(image)`` when the detectors run; ``changed(image, boxes)`` on the frames between."""

    def __init__(self, config: HeadChangeConfig | None = None) -> None:
        self.config = config or HeadChangeConfig()
        self._ref: tuple[NDArray[Any], float] | None = None

    def reset(self) -> None:
        self._ref = None

    def looked(self, image: Pixels) -> None:
        """The detectors ran on ``image``: later frames are compared with it."""
        small = self._small(image)
        self._ref = (small, cv2.mean(small)[0])

    def changed(self, image: Pixels, boxes: FloatArray) -> bool:
        """Whether the head of any person ``boxes`` (picture pixels, as last detected) changed
        since :meth:`looked`; False without a reference of this picture size."""
        ref = self._ref
        if ref is None or not len(boxes):
            return False
        small = self._small(image)
        if small.shape != ref[0].shape:
            return False
        cfg = self.config
        level = cv2.mean(small)[0]
        sx, sy = small.shape[1] / image.shape[1], small.shape[0] / image.shape[0]
        for x1, y1, x2, y2 in boxes:
            top = y1 + cfg.head_share * (y2 - y1)
            c1, r1 = max(0, int(x1 * sx)), max(0, int(y1 * sy))
            c2, r2 = int(np.ceil(x2 * sx)), int(np.ceil(top * sy))
            if c2 <= c1 or r2 <= r1:
                continue
            changed = changed_pixels(small[r1:r2, c1:c2], level, ref[0][r1:r2, c1:c2], ref[1], cfg)
            if cv2.countNonZero(changed.view(np.uint8)) >= cfg.min_pixels:
                return True
        return False

    def _small(self, image: Pixels) -> NDArray[Any]:
        return blurred_small_grey(image, self.config.width, 3)
