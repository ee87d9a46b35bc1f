"""A cheap "did anything change?" test that decides when the heavy detectors run.

Compares a small blurred grey thumbnail with the thumbnail of the frame the detector last ran on
(not the previous frame, so slow changes add up). Global lighting drift is divided out, and
pixels that change in most frames (gas flames, a screen, a fan) are learnt as flicker and ignored,
so a static kitchen with a lit stove still counts as static; so does a change only a few rows
tall (a flame growing, steam), which no person makes. A person standing still is no
change either, and needs none: the result taken when they arrived still holds. After
``refresh_frames`` frames (30 s) without a change the gate opens anyway, a safety net for a
change it missed; while nothing changes the wait doubles after each such refresh, up to
``refresh_max_frames`` (2 min): an empty kitchen at night is looked at 30 times an hour, not 120.
``reason`` tells why it last opened ("start", "change" or "refresh"), so a caller can look again
after a change its detector could not explain (see :mod:`detectors.perception.people`).

Frame counts, not clock time: perception sees only pixels, and counting keeps replays exact
(150 frames = 30 s at the default 5 fps).
"""

from typing import Any, Protocol

import cv2
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

from detectors.perception.base import Pixels, to_small_grey


class GateConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    width: int = Field(default=96, ge=16, le=640, description="Width of the thumbnail compared.")
    threshold: float = Field(default=10.0, gt=0, description="Grey-level change that counts as changed when lit.")
    dark_threshold: float = Field(
        default=3.0, gt=0, description="The lowest threshold, reached in dark scenes (contrast scales with light)."
    )
    lit_level: float = Field(default=100.0, gt=0, description="Mean grey level from which the full threshold applies.")
    min_pixels: int = Field(default=6, ge=1, description="Changed thumbnail pixels needed to open the gate.")
    min_height: float = Field(
        default=0.07,
        ge=0,
        le=1,
        description="Share of the picture height the changed pixels must span to open the gate: a gas flame or "
        "steam changes a few rows only, a person (even far off, 27 of 360 rows) more.",
    )
    refresh_frames: int = Field(
        default=150, ge=1, description="Open at least every this many frames (30 s at 5 fps): a safety net only."
    )
    refresh_max_frames: int = Field(
        default=600,
        ge=1,
        description="The wait between refreshes doubles while nothing changes, up to this many frames (2 min at "
        "5 fps); at least refresh_frames.",
    )
    flicker_rate: float = Field(default=0.1, gt=0, le=1, description="Learning rate of the flicker map.")
    flicker_level: float = Field(
        default=0.25, gt=0, le=1, description="Pixels changing in this share of frames (or next to one) are flicker."
    )

    @model_validator(mode="after")
    def _refresh_order(self) -> "GateConfig":
        if self.refresh_max_frames < self.refresh_frames:
            raise ValueError(
                f"refresh_max_frames ({self.refresh_max_frames}) must be at least "
                f"refresh_frames ({self.refresh_frames})"
            )
        return self


class LightThresholds(Protocol):
    """The settings of a change test whose threshold follows the light (GateConfig's fields)."""

    @property
    def threshold(self) -> float: ...
    @property
    def dark_threshold(self) -> float: ...
    @property
    def lit_level(self) -> float: ...


def changed_pixels(
    a: NDArray[Any], mean_a: float, b: NDArray[Any], mean_b: float, cfg: "LightThresholds"
) -> NDArray[np.bool_]:
    """Where grey thumbnail ``a`` differs from ``b`` (or crops of them: ``mean_a`` and ``mean_b``
    are the whole pictures' mean grey levels), lighting drift divided out; the threshold follows
    the light, since a person in a dark kitchen differs by a few grey levels only."""
    gain = (mean_a + 1.0) / (mean_b + 1.0)
    threshold = min(max(cfg.threshold * mean_a / cfg.lit_level, cfg.dark_threshold), cfg.threshold)
    out: NDArray[np.bool_] = cv2.absdiff(a, b * np.float32(gain)) > threshold
    return out


class ChangeGate:
    """``should_run(image)`` says whether the picture differs from the last one detected on."""

    def __init__(self, config: GateConfig | None = None) -> None:
        self.config = config or GateConfig()
        self._kernel = np.ones((3, 3), np.uint8)
        self.reset()

    def reset(self) -> None:
        self._ref: tuple[NDArray[Any], float] | None = None  # the picture last opened on, its mean
        self._prev: tuple[NDArray[Any] | None, float] = (None, 0.0)
        self._flicker: NDArray[Any] | None = None
        self._since = 0
        self._wait = self.config.refresh_frames  # frames until the next refresh
        self.reason = "start"
        # This frame's changed thumbnail pixels against the last opened-on frame, or None on a
        # first frame; callers ask where the picture changed. Flicker is not left out here: a
        # person walking across the same spots for a few frames is learnt as flicker.
        self.changed: NDArray[np.bool_] | None = None
        # Where the picture changed when the gate last opened on a change (pixels of the picture).
        self.change_box: tuple[float, float, float, float] | None = None

    def should_run(self, image: Pixels) -> bool:
        """Whether to run the detector on this frame; call once per frame, in order."""
        cfg = self.config
        grey, _, _ = to_small_grey(image, cfg.width)
        small: NDArray[Any] = cv2.GaussianBlur(grey, (3, 3), 0)
        level = cv2.mean(small)[0]  # each picture's mean is taken once: it is compared twice
        (prev, prev_level), self._prev = self._prev, (small, level)
        if prev is None or prev.shape != small.shape or self._ref is None or self._ref[0].shape != small.shape:
            self.changed = None
            self._open(small, level, "start")
            return True
        step = self._changed(small, level, prev, prev_level)
        flicker = self._flicker if self._flicker is not None else np.zeros_like(small)
        cv2.accumulateWeighted(step.view(np.uint8), flicker, cfg.flicker_rate)  # flicker += rate * (step - flicker)
        self._flicker = flicker
        self._since += 1
        # A flame's neighbours flicker too, only less often: widen the learnt flicker by a pixel.
        steady = cv2.dilate((flicker >= cfg.flicker_level).view(np.uint8), self._kernel) == 0
        self.changed = self._changed(small, level, *self._ref)
        changed = self.changed & steady
        if cv2.countNonZero(changed.view(np.uint8)) >= cfg.min_pixels and self._tall(changed):
            ys, xs = np.nonzero(changed)
            sx, sy = image.shape[1] / small.shape[1], image.shape[0] / small.shape[0]
            self.change_box = (
                float(xs.min() * sx),
                float(ys.min() * sy),
                float((xs.max() + 1) * sx),
                float((ys.max() + 1) * sy),
            )
            self._open(small, level, "change")
            return True
        if self._since >= self._wait:
            self._open(small, level, "refresh")
            self._wait = min(2 * self._wait, cfg.refresh_max_frames)
            return True
        return False

    def _tall(self, changed: NDArray[np.bool_]) -> bool:
        rows = np.flatnonzero(changed.any(axis=1))
        return bool(rows[-1] - rows[0] + 1 >= self.config.min_height * changed.shape[0])

    def _changed(self, a: NDArray[Any], mean_a: float, b: NDArray[Any], mean_b: float) -> NDArray[np.bool_]:
        """Where ``a`` differs from ``b`` (their mean grey levels given)."""
        return changed_pixels(a, mean_a, b, mean_b, self.config)

    def _open(self, small: NDArray[Any], level: float, reason: str) -> None:
        self._ref = (small, level)
        self._since = 0
        self.reason = reason
        if reason != "refresh":
            self._wait = self.config.refresh_frames
