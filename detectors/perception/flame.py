"""Open flames: bright, saturated orange-yellow pixels that flicker.

Colour alone is not enough (an orange towel, a carrot, skin under warm light), so a pixel is a
flame pixel only when it has flame colour now *and* its neighbourhood's brightness keeps jumping
from frame to frame (a learnt flicker rate, like the change gate's). Under infrared night mode
colour is gone; there very bright flickering pixels count. The result is the flame pixels'
positions, which a rule counts inside its stove zone.
"""

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from detectors.detections import Detections, FloatArray, PixelZone
from detectors.errors import DetectorError
from detectors.perception.base import Perceiver, Pixels, to_small_bgr
from detectors.perception.blobs import blobs_of, dilated_window


class FlameConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    work_width: int = Field(default=320, ge=64, le=1280, description="Width the picture is judged at.")
    hue_range: tuple[int, int] = Field(default=(3, 38), description="OpenCV hue (0..180) of flame colours.")
    min_saturation: int = Field(default=120, ge=0, le=255, description="Flames are saturated (skin is not).")
    min_value: int = Field(default=170, ge=0, le=255, description="Flames are bright.")
    bright_value: int = Field(default=235, ge=0, le=255, description="Colourless pixels this bright count too.")
    flicker_step: float = Field(default=18.0, gt=0, description="Brightness jump that counts as a flicker.")
    flicker_rate: float = Field(default=0.2, gt=0, le=1, description="Learning rate of the flicker map.")
    flicker_level: float = Field(default=0.2, gt=0, le=1, description="Flicker share from which a pixel flickers.")
    warmup_frames: int = Field(default=5, ge=1, description="Frames before flicker is trusted.")
    max_points: int = Field(default=4000, ge=1, description="At most this many flame points are reported.")


@dataclass(frozen=True, eq=False)
class FlameReport:
    """``points``: (N, 2) centres of flame pixels in input-picture coordinates; ``cell_area``:
    the input-picture area one point stands for; ``boxes``: flame regions (label ``flame``)."""

    points: FloatArray
    cell_area: float
    boxes: Detections
    ready: bool
    _zone_areas: dict[PixelZone | None, float] = field(default_factory=dict, init=False, repr=False)
    _zone_boxes: dict[PixelZone, Detections] = field(default_factory=dict, init=False, repr=False)

    def area_in(self, inside: NDArray[np.bool_]) -> float:
        """Flame area (input-picture pixels) of the points selected by ``inside``."""
        if inside.shape != (len(self.points),):
            raise DetectorError(f"flame: mask must have shape ({len(self.points)},), got {inside.shape}")
        return float(inside.sum()) * self.cell_area

    def area_in_zone(self, zone: PixelZone | None) -> float:
        """Flame area inside ``zone`` (all of it for None), measured once per zone: one report
        stands for the frames between the plugin's judged ones (its cadence)."""
        area = self._zone_areas.get(zone)
        if area is None:
            whole = len(self.points) * self.cell_area
            area = self._zone_areas[zone] = self.area_in(zone.contains(self.points)) if zone is not None else whole
        return area

    def boxes_in_zone(self, zone: PixelZone | None) -> Detections:
        """The flame regions whose centre lies in ``zone`` (all of them for None), once per zone."""
        if zone is None or not len(self.boxes):
            return self.boxes
        found = self._zone_boxes.get(zone)
        if found is None:
            found = self._zone_boxes[zone] = self.boxes[zone.trigger(self.boxes, "center")]
        return found


class FlameDetector(Perceiver):
    key = "flame"
    # A stove is left burning for minutes before it matters: one frame a second (flicker is
    # then learnt between frames a second apart, which flames pass as easily).
    cadence = 5
    phase = 2
    colour_thumbnails = True

    def __init__(self, config: FlameConfig | None = None) -> None:
        self.config = config or FlameConfig()
        self._kernel = np.ones((3, 3), np.uint8)
        self.reset()

    def reset(self) -> None:
        self._prev: NDArray[Any] | None = None
        self._flicker: NDArray[Any] | None = None
        self._frames = 0

    def observe(self, image: Pixels) -> FlameReport:
        cfg = self.config
        h, w = image.shape[:2]
        bgr = to_small_bgr(image, cfg.work_width)
        sx, sy = w / bgr.shape[1], h / bgr.shape[0]
        hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
        # One OpenCV call per test instead of a numpy pass per channel (this runs every frame).
        lo, hi = cfg.hue_range
        val: NDArray[np.uint8] = np.ascontiguousarray(hsv[:, :, 2])
        candidate = cv2.bitwise_or(
            cv2.inRange(hsv, (lo, cfg.min_saturation, cfg.min_value), (hi, 255, 255)),
            cv2.inRange(val, cfg.bright_value, 255),
        )
        prev, self._prev = self._prev, val
        if prev is None or prev.shape != val.shape:
            self._flicker = np.zeros(val.shape, np.float32)
            self._frames = 0
            return FlameReport(np.zeros((0, 2)), sx * sy, Detections.empty(), ready=False)
        # Flames move: a pixel's flicker is its 3x3 neighbourhood's, so tongue tips count too.
        jumped = cv2.dilate((cv2.absdiff(val, prev) >= cfg.flicker_step).astype(np.uint8), self._kernel)
        flicker = self._flicker if self._flicker is not None else np.zeros(val.shape, np.float32)
        cv2.accumulateWeighted(jumped, flicker, cfg.flicker_rate)  # flicker += rate * (jumped - flicker)
        self._flicker = flicker
        self._frames += 1
        flames = ((candidate > 0) & (flicker >= cfg.flicker_level)).view(np.uint8)
        found = cv2.findNonZero(flames)  # row by row, as np.nonzero, and several times faster
        xs, ys = (found[:, 0, 0], found[:, 0, 1]) if found is not None else (np.zeros(0, np.intp),) * 2
        if len(xs) > cfg.max_points:
            keep = np.linspace(0, len(xs) - 1, cfg.max_points).astype(np.intp)
            xs, ys = xs[keep], ys[keep]
        points = np.stack([(xs + 0.5) * sx, (ys + 0.5) * sy], axis=1) if len(xs) else np.zeros((0, 2))
        return FlameReport(points, sx * sy, self._boxes(flames, sx, sy), ready=self._frames >= cfg.warmup_frames)

    def _boxes(self, flames: NDArray[np.uint8], sx: float, sy: float) -> Detections:
        joined = dilated_window(flames, self._kernel, 2)  # flames next to each other join
        if joined is None:
            return Detections.empty()
        (rows, cols), near = joined
        x0, y0 = cols.start, rows.start
        boxes = [
            [(x0 + x) * sx, (y0 + y) * sy, (x0 + x + bw) * sx, (y0 + y + bh) * sy] for x, y, bw, bh, _ in blobs_of(near)
        ]
        return Detections.of(np.array(boxes, np.float64), np.ones(len(boxes)), "flame")
