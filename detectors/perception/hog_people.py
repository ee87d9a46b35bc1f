"""A second person detector for the people YOLOX-Nano does not see: OpenCV's HOG people detector.

YOLOX-Nano misses some cooks outright, on frame after frame: a cook in dark clothes standing or
walking before the grey counter scored under 0.01 for 4-6 s on the whole frame, on a zoomed
crop, with gamma or CLAHE applied and mirrored (fresh no_uniform seeds 19600, 19811, 19905: the
incident went unalerted). The Dalal-Triggs HOG + linear SVM people detector that OpenCV 4 ships
(``cv2.HOGDescriptor.getDefaultPeopleDetector``) boxed that cook on 42 of the 48 frames probed,
at weights 1.1-3.9. It is slower (about 25-30 ms on a 640x360 frame at 0.75 scale) and looser,
so it runs at most once every ``every_frames`` frames, on a reduced picture, and only on the
frames the people detector runs on (a static kitchen never pays for it), and what it adds are
*proposals*: a HOG box that no YOLOX person overlaps, tightened to the body, kept only when the
attribute judge finds a face in it (:mod:`detectors.perception.people`), so a HOG box round a
stove or a shelf (no face, no hat) is no cook in dark clothes.
"""

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from detectors.detections import Detections
from detectors.perception.base import Image
from detectors.perception.persistence import inside, iou

WINDOW = (64, 128)  # the default people detector's window (width, height)
WIN_SIDE = 0.2  # share of a HOG window's width each side of the body (a 64x128 window, a ~40 px wide person)
OVERLAP = 0.3  # a HOG box overlapping a YOLOX person this much (IoU), or mostly inside one, is that person
INSIDE = 0.6


class HogConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(
        default=True,
        description="Look for people YOLOX misses with OpenCV's HOG detector. On by default since measured on three "
        "fresh seed sets (19900, 20100, 20200; 12 scenes per type, 40 compliant clips): with it, precision 1.00 and "
        "0 false alerts per shift on all three; without it, 8 false alerts per shift on the 20100 set and fewer "
        "hat alerts within dwell + 2 s (20200: 0.33 against 0.50). Cost: about 30 % more CPU on a busy kitchen "
        "(detect_speed: 23.4 -> 30.6 ms a frame), nothing on a static one.",
    )
    every_frames: int = Field(
        default=5, ge=1, description="Run HOG at most every this many frames (1 s at 5 fps): it costs ~25 ms."
    )
    scale: float = Field(
        default=0.75, gt=0.2, le=1, description="Picture scale HOG runs at (people under ~170 px tall are missed)."
    )
    min_weight: float = Field(default=1.0, ge=0, description="Lowest SVM weight (distance) of a HOG box kept.")


class HogPeople:
    """HOG person boxes (label ``person``, score 0.5-0.8 from the SVM weight), in picture pixels."""

    def __init__(self, config: HogConfig | None = None) -> None:
        self.config = config or HogConfig()
        self._hog = cv2.HOGDescriptor()
        self._hog.setSVMDetector(np.asarray(cv2.HOGDescriptor.getDefaultPeopleDetector(), np.float32))

    def detect(self, image: Image) -> Detections:
        s = self.config.scale
        small = cv2.resize(image, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else image
        if small.shape[0] < WINDOW[1] or small.shape[1] < WINDOW[0]:
            return Detections.empty()  # smaller than one window: OpenCV 4.14's HOG crashes on it
        found, weights = self._hog.detectMultiScale(small, winStride=(8, 8), padding=(8, 8), scale=1.05)
        rects = np.asarray(found, np.float64).reshape(-1, 4) / s
        weight = np.asarray(weights, np.float64).ravel()
        keep = weight >= self.config.min_weight
        rects, weight = rects[keep], weight[keep]
        if not len(rects):
            return Detections.empty()
        side = WIN_SIDE * rects[:, 2]
        boxes = np.stack(
            [rects[:, 0] + side, rects[:, 1], rects[:, 0] + rects[:, 2] - side, rects[:, 1] + rects[:, 3]], 1
        )
        scores = np.clip(0.35 + 0.15 * weight, 0.5, 0.8)
        return Detections.of(boxes, scores, "person").suppressed(OVERLAP)


def unseen(hog: Detections, persons: Detections) -> Detections:
    """The ``hog`` boxes that are none of ``persons`` (YOLOX's): overlapping none by OVERLAP (IoU)
    and under INSIDE of their area inside any."""
    if not len(hog) or not len(persons):
        return hog
    a, b = hog.boxes, persons.boxes
    return hog[(iou(a, b).max(axis=1) < OVERLAP) & (inside(a, b).max(axis=1) < INSIDE)]
