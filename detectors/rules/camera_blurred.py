"""camera_blurred (视频模糊): the picture is much softer than this camera's own normal.

Compares the scene plugin's sharpness with the baseline it learnt from this camera; a covered
lens (camera_blocked) or a picture too dark to judge does not count as blurred.
"""

from core.site import EffectiveRule
from detectors.detections import PixelZone
from detectors.perception.base import Percepts
from detectors.perception.health import HealthReport
from detectors.perception.scene_health import SceneReport
from detectors.rules.base import NOTHING, Finding, Rule, by_sensitivity

TOO_DARK = 40.0  # mean grey level under which sharpness means little (noise dominates)


class CameraBlurred(Rule):
    key = "camera_blurred"
    version = "1"
    needs = ("scene", "health")
    zoned = False

    def __init__(self, settings: EffectiveRule) -> None:
        super().__init__(settings)
        # Sharpness / baseline under which the picture is blurred: 0.3 at sensitivity 0,
        # 0.8 at 100, 0.55 at the default 50.
        self.ratio = by_sensitivity(settings.sensitivity, 0.3, 0.8)

    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        scene = percepts.get("scene", SceneReport)
        health = percepts.get("health", HealthReport)
        baseline = scene.sharpness_baseline
        if baseline is None or baseline <= 0 or health.blocked or health.brightness < TOO_DARK:
            return NOTHING
        ratio = scene.sharpness / baseline
        if ratio >= self.ratio:
            return NOTHING
        return Finding(
            True,
            float(min(1.0, max(0.0, 1.0 - ratio))),
            message=f"picture blurred: sharpness {ratio * 100:.0f}% of this camera's normal",
        )
