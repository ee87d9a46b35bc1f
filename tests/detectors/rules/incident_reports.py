"""Hand-made perception results for the scene rules (rodent, stove, bin, camera health)."""

import numpy as np

from core.catalog import CATALOG
from core.site import EffectiveRule, Zone
from detectors.detections import Detections, PixelZone
from detectors.perception.flame import FlameReport
from detectors.perception.health import HealthReport
from detectors.perception.motion import MotionReport
from detectors.perception.scene_health import SceneReport
from detectors.perception.small_motion import SmallMotionReport

W, H = 640, 360


def settings(key: str, sensitivity: int = 50) -> EffectiveRule:
    d = CATALOG[key]
    return EffectiveRule(
        key=key,
        enabled=True,
        tier=d.tier,
        dwell_s=d.dwell_s,
        realarm_s=d.realarm_s,
        clear_s=d.clear_s,
        sensitivity=sensitivity,
        active=d.active,
    )


def zone(zid: str, kind: str, x0: float, y0: float, x1: float, y1: float) -> PixelZone:
    z = Zone(id=zid, kind=kind, polygon=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    return PixelZone.from_zone(z, W, H)


def boxes(rows: list[tuple[float, float, float, float]], label: str, score: float = 0.9) -> Detections:
    if not rows:
        return Detections.empty()
    return Detections.of(np.array(rows, np.float64), np.full(len(rows), score), label)


def motion(rows: list[tuple[float, float, float, float]] | None = None) -> MotionReport:
    return MotionReport(boxes(rows or [], "motion"), 0.0, False, False)


def small(confirmed: list[tuple[float, float, float, float]]) -> SmallMotionReport:
    d = boxes(confirmed, "small_motion", 0.8)
    return SmallMotionReport(d, d, Detections.empty(), False, False)


def flames(x0: float, y0: float, x1: float, y1: float, step: float = 2.0) -> FlameReport:
    """Flame points filling a pixel rectangle, one point per ``step``×``step`` cell."""
    xs, ys = np.meshgrid(np.arange(x0, x1, step), np.arange(y0, y1, step))
    pts = np.stack([xs.ravel(), ys.ravel()], axis=1)
    return FlameReport(pts, step * step, boxes([(x0, y0, x1, y1)], "flame", 1.0), ready=True)


def health(blocked: bool = False, brightness: float = 120.0) -> HealthReport:
    return HealthReport(0.9 if blocked else 0.0, blocked, brightness, 0.3, 0.1, False, 0)


def scene(
    sharpness: float = 1.0,
    baseline: float | None = 1.0,
    identical: int = 0,
    matches: bool | None = True,
    shift: float = 0.0,
) -> SceneReport:
    soft = baseline is not None and sharpness < 0.75 * baseline
    return SceneReport(sharpness, baseline, soft, identical > 0, identical, matches, shift, 0.0, 100)
