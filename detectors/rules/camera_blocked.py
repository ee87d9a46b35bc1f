"""camera_blocked (视频遮挡): the lens is covered or the picture is black."""

from core.site import EffectiveRule
from detectors.detections import PixelZone
from detectors.perception.base import Percepts
from detectors.perception.health import HealthReport
from detectors.rules.base import Finding, Rule, by_sensitivity


class CameraBlocked(Rule):
    key = "camera_blocked"
    version = "1"
    needs = ("health",)
    zoned = False

    def __init__(self, settings: EffectiveRule) -> None:
        super().__init__(settings)
        # sensitivity 50 → blocked score 0.5; 100 → even a partly flat picture alarms.
        self.threshold = by_sensitivity(settings.sensitivity, 0.9, 0.1)

    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        health = percepts.get("health", HealthReport)
        if health.blocked_score < self.threshold:
            return Finding(False, health.blocked_score)
        return Finding(
            True,
            health.blocked_score,
            message=f"camera view covered or black (score {health.blocked_score:.2f}, "
            f"brightness {health.brightness:.0f}, contrast {health.contrast:.2f})",
        )
