"""Moving blobs from a running-average background on a small grey picture.

Global lighting changes (lights switched on, auto exposure) are not motion: when the global
brightness jumps or most of the picture changes at once, the background is re-learnt instead.
The result doubles as the motion gate for heavier detectors.
"""

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from detectors.detections import Detections, FloatArray
from detectors.perception.base import Perceiver, Pixels, to_small_grey


class MotionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    work_width: int = Field(default=160, ge=32, le=1280, description="Width the background model works at.")
    learn_rate: float = Field(default=0.05, gt=0, le=1, description="Background update weight per frame.")
    foreground_learn_factor: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="Fraction of learn_rate applied under moving blobs (slow absorption).",
    )
    still_learn_factor: float = Field(
        default=2.0,
        ge=1,
        le=10,
        description="Multiple of learn_rate applied where something changed and then stays still (a ghost).",
    )
    threshold: float = Field(
        default=20.0, gt=0, description="Grey-level difference that counts as changed in a lit scene."
    )
    dark_threshold: float = Field(
        default=6.0, gt=0, description="The lowest threshold, reached in dark scenes (contrast scales with light)."
    )
    lit_level: float = Field(default=100.0, gt=0, description="Mean grey level from which the full threshold applies.")
    min_area: float = Field(default=0.002, ge=0, le=1, description="Smallest blob, as a fraction of the picture.")
    lighting_fraction: float = Field(
        default=0.5, gt=0, le=1, description="Changed fraction above which a change is lighting, not motion."
    )
    lighting_gain: float = Field(
        default=0.25,
        gt=0,
        description="Relative global brightness jump above which the background is re-learnt.",
    )


@dataclass(frozen=True, eq=False)
class MotionReport:
    """Moving blobs in pixels of the input picture (label ``motion``). ``moving``: per blob, the
    share of its pixels that changed since the previous frame (empty: not known). A blob where
    nothing moves now is something that changed and stays: a pot put down, or the ghost of a
    cook who stood still a long time and walked off, until the background absorbs it."""

    detections: Detections
    foreground_fraction: float
    lighting_change: bool
    learning: bool
    moving: FloatArray = field(default_factory=lambda: np.zeros(0))


class MotionDetector(Perceiver):
    key = "motion"

    def __init__(self, config: MotionConfig | None = None) -> None:
        self.config = config or MotionConfig()
        self._background: NDArray[Any] | None = None
        # Open with a small kernel (removes speckle, keeps heads and limbs), close with a larger
        # one (joins the parts of one body into one blob).
        self._open = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
        self._close = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
        self._previous: NDArray[Any] | None = None

    def reset(self) -> None:
        self._background = None
        self._previous = None

    def observe(self, image: Pixels) -> MotionReport:
        cfg = self.config
        grey, sx, sy = to_small_grey(image, cfg.work_width)
        small: NDArray[Any] = cv2.GaussianBlur(grey, (5, 5), 0)
        bg, prev = self._background, self._previous
        self._previous = small
        if bg is None or bg.shape != small.shape:
            self._background = small.copy()
            return MotionReport(Detections.empty(), 0.0, lighting_change=False, learning=True)
        mean_now, mean_bg = cv2.mean(small)[0], cv2.mean(bg)[0]  # cv2.mean: 3x ndarray.mean (every frame)
        gain = (mean_now + 1.0) / (mean_bg + 1.0)
        if abs(gain - 1.0) > cfg.lighting_gain and abs(mean_now - mean_bg) > cfg.threshold / 2:
            return self._relearn(small)
        diff = cv2.absdiff(small, bg * np.float32(gain))
        # Object contrast scales with the light: a person in a dark kitchen differs by a few levels.
        threshold = min(max(cfg.threshold * mean_bg / cfg.lit_level, cfg.dark_threshold), cfg.threshold)
        changed = (diff > threshold).view(np.uint8)
        count = cv2.countNonZero(changed)
        fraction = count / changed.size
        if fraction > cfg.lighting_fraction:
            return self._relearn(small)
        # Opening an empty mask (a still kitchen, most frames) leaves it empty.
        opened: NDArray[Any] = cv2.morphologyEx(changed, cv2.MORPH_OPEN, self._open) if count else changed
        if not count or not cv2.countNonZero(opened):
            # A still picture (most frames of a static kitchen): nothing to join, nothing that
            # moves; the whole background learns at the normal rate (what _learn does then).
            cv2.accumulateWeighted(small, bg, cfg.learn_rate)
            return MotionReport(Detections.empty(), fraction, lighting_change=False, learning=False)
        mask: NDArray[Any] = cv2.morphologyEx(opened, cv2.MORPH_CLOSE, self._close, iterations=2)
        moving = self._learn(small, mask, prev, threshold, mean_now)
        blobs, shares = self._blobs(mask, sx, sy, moving)
        return MotionReport(blobs, fraction, lighting_change=False, learning=False, moving=shares)

    def _relearn(self, small: NDArray[Any]) -> MotionReport:
        self._background = small.copy()
        return MotionReport(Detections.empty(), 1.0, lighting_change=True, learning=True)

    def _learn(
        self, small: NDArray[Any], mask: NDArray[Any], prev: NDArray[Any] | None, threshold: float, mean_now: float
    ) -> NDArray[np.bool_] | None:
        """Learn slowly only under blobs that move now; what changed and then stays still (the
        ghost a cook leaves where they stood a long time, a pot put down) is absorbed faster
        than the background learns (``still_learn_factor``), in about two seconds. People
        standing still are the person detector's job. Returns where the picture changed since
        ``prev`` (None without one)."""
        cfg = self.config
        bg = self._background
        assert bg is not None
        changed = mask > 0
        slow = changed
        step = None
        if prev is not None and prev.shape == small.shape:
            gain = np.float32((mean_now + 1.0) / (cv2.mean(prev)[0] + 1.0))
            step = cv2.absdiff(small, prev * gain) > threshold
            slow = changed & (cv2.dilate(step.view(np.uint8), self._close, iterations=2) > 0)
        # bg += rate * (small - bg), a rate per region, as masked OpenCV updates (one pass each).
        regions = ((~changed, cfg.learn_rate), (changed & ~slow, min(1.0, cfg.learn_rate * cfg.still_learn_factor)))
        for region, rate in (*regions, (slow, cfg.learn_rate * cfg.foreground_learn_factor)):
            cv2.accumulateWeighted(small, bg, rate, mask=region.view(np.uint8))
        return step

    def _blobs(
        self, mask: NDArray[Any], sx: float, sy: float, moving: NDArray[np.bool_] | None
    ) -> tuple[Detections, FloatArray]:
        """The blobs of ``mask`` and the share of each that is ``moving`` (empty when unknown)."""
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        min_px = self.config.min_area * mask.size
        moved = np.bincount(labels[moving], minlength=count) if moving is not None else None
        boxes, scores, shares = [], [], []
        for i in range(1, count):
            x, y, w, h, area = (int(v) for v in stats[i])
            if area < min_px:
                continue  # sensor noise, flicker, a fly
            boxes.append([x * sx, y * sy, (x + w) * sx, (y + h) * sy])
            scores.append(min(1.0, area / float(w * h)))
            if moved is not None:
                shares.append(float(moved[i]) / area)
        if not boxes:
            return Detections.empty(), np.zeros(0)
        return Detections.of(np.array(boxes), np.array(scores), "motion"), np.array(shares, np.float64)
