"""camera_displaced (视频不正): the view no longer matches the camera's reference keyframe.

Either the reference is not found at all (the camera points elsewhere) or it is found moved or
rotated by more than a sensitivity-dependent amount. A covered lens is camera_blocked instead; a
picture too dark to match (lights off), blurred or frozen says nothing.
"""

from core.site import EffectiveRule
from detectors.detections import PixelZone
from detectors.perception.base import Percepts
from detectors.perception.health import HealthReport
from detectors.perception.scene_health import SceneReport
from detectors.rules.base import NOTHING, Finding, Rule, by_sensitivity


class CameraDisplaced(Rule):
    key = "camera_displaced"
    version = "1"
    needs = ("scene", "health")
    zoned = False

    def __init__(self, settings: EffectiveRule) -> None:
        super().__init__(settings)
        # Mean corner displacement, share of the picture diagonal, from which the camera has
        # moved: 0.05 at sensitivity 0, 0.005 at 100 (0.0275 at 50: 20 px on a 640x360 picture).
        self.max_shift = by_sensitivity(settings.sensitivity, 0.05, 0.005)

    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        scene = percepts.get("scene", SceneReport)
        if scene.view_matches is None or scene.soft or scene.identical_frames:
            return NOTHING  # blurred or frozen: those rules speak; the view cannot be judged
        if percepts.get("health", HealthReport).blocked:
            return NOTHING
        if scene.view_matches is False:
            return Finding(True, 1.0, message="view does not match the camera's reference any more")
        if scene.view_shift < self.max_shift:
            return NOTHING
        return Finding(
            True,
            float(min(1.0, scene.view_shift / (2 * self.max_shift))),
            message=f"view moved by {scene.view_shift * 100:.1f}% of the diagonal, "
            f"rotated {scene.view_rotation_deg:+.1f} degrees",
        )
