"""Camera health per frame: is the lens covered or the picture blacked out, is it frozen.

Coverage is judged on contrast *relative to brightness* and on edge density, so a dim scene
(lights off, texture still there) is not mistaken for a covered lens, while a hand, tape or a
black picture (flat, no edges) is.
"""

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from detectors.perception.base import Perceiver, Pixels, to_small_grey


class HealthConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    work_width: int = Field(default=160, ge=32, le=1280, description="Width the picture is judged at.")
    brightness_floor: float = Field(
        default=24.0,
        gt=0,
        description="Grey level below which contrast is measured absolutely, so the "
        "noise of a black picture is not amplified into texture.",
    )
    contrast_flat: float = Field(
        default=0.05, ge=0, description="Relative contrast at or below which a picture is flat."
    )
    contrast_textured: float = Field(
        default=0.15, gt=0, description="Relative contrast at or above which it is textured."
    )
    edge_step: float = Field(
        default=0.12, gt=0, description="Relative grey step between neighbours that counts as an edge."
    )
    edges_flat: float = Field(
        default=0.005, ge=0, description="Edge-pixel fraction at or below which a picture is flat."
    )
    edges_textured: float = Field(
        default=0.04, gt=0, description="Edge-pixel fraction at or above which it is textured."
    )
    frozen_delta: float = Field(
        default=0.05, ge=0, description="Mean grey change under which two frames are identical."
    )


@dataclass(frozen=True, slots=True)
class HealthReport:
    """Health signals of one frame. ``blocked_score`` is 0 (clear view) .. 1 (nothing visible)."""

    blocked_score: float
    blocked: bool
    brightness: float
    contrast: float
    edge_fraction: float | None  # None: not measured, the contrast alone shows texture
    frozen: bool
    frozen_frames: int


def _ramp_down(value: float, low: float, high: float) -> float:
    """1 at or below ``low``, 0 at or above ``high``, linear between."""
    if high <= low:
        return 1.0 if value <= low else 0.0
    return min(max((high - value) / (high - low), 0.0), 1.0)  # np.clip costs 10x on a scalar


def _edge_fraction(small: NDArray[Any], step: float) -> float:
    """Share of pixels whose grey step to the right or downward neighbour exceeds ``step``."""
    h, w = small.shape[:2]
    if min(h, w) < 2:
        return 0.0
    dx = cv2.absdiff(small[:-1, 1:], small[:-1, :-1]) > step
    dy = cv2.absdiff(small[1:, :-1], small[:-1, :-1]) > step
    return cv2.countNonZero((dx | dy).view(np.uint8)) / float((h - 1) * (w - 1))


def coverage(small: NDArray[Any], cfg: HealthConfig) -> tuple[float, float, float, float | None]:
    """(blocked score 0..1, brightness, relative contrast, edge fraction) of a grey thumbnail.
    The score is the lower of a contrast and an edge score, so the edges are not measured (None)
    where the contrast alone scores 0, as most pictures do."""
    # OpenCV calls, one pass each: this runs on every frame of every camera.
    mean, std = cv2.meanStdDev(small)
    brightness = float(mean[0, 0])
    scale = max(brightness, cfg.brightness_floor)
    contrast = float(std[0, 0]) / scale
    score = _ramp_down(contrast, cfg.contrast_flat, cfg.contrast_textured)
    if score == 0.0:
        return score, brightness, contrast, None
    edge_fraction = _edge_fraction(small, cfg.edge_step * scale)
    score = min(score, _ramp_down(edge_fraction, cfg.edges_flat, cfg.edges_textured))
    return score, brightness, contrast, edge_fraction


class HealthMonitor(Perceiver):
    key = "health"

    def __init__(self, config: HealthConfig | None = None) -> None:
        self.config = config or HealthConfig()
        self._previous: NDArray[Any] | None = None
        self._frozen_frames = 0

    def observe(self, image: Pixels) -> HealthReport:
        cfg = self.config
        small, _, _ = to_small_grey(image, cfg.work_width)
        score, brightness, contrast, edge_fraction = coverage(small, cfg)
        frozen = self._is_frozen(small)
        return HealthReport(
            blocked_score=score,
            blocked=score >= 0.5,
            brightness=brightness,
            contrast=contrast,
            edge_fraction=edge_fraction,
            frozen=frozen,
            frozen_frames=self._frozen_frames,
        )

    def _is_frozen(self, small: NDArray[Any]) -> bool:
        prev, self._previous = self._previous, small
        same = (
            prev is not None
            and prev.shape == small.shape
            and cv2.mean(cv2.absdiff(prev, small))[0] < self.config.frozen_delta
        )
        self._frozen_frames = self._frozen_frames + 1 if same else 0
        return same

    def reset(self) -> None:
        self._previous = None
        self._frozen_frames = 0
