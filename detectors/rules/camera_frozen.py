"""camera_frozen (画面冻结): the decoded picture stops changing.

A live sensor's noise alone makes every frame differ; identical decoded frames mean the source
repeats a picture. The rule holds while each frame the scene plugin judges (one a second)
equals the one before; the rule's dwell (catalog default 10 s) is the "for N seconds".
Sensitivity has no effect: the signal is yes or no.
"""

from detectors.detections import PixelZone
from detectors.perception.base import Percepts
from detectors.perception.health import HealthReport
from detectors.perception.scene_health import SceneReport
from detectors.rules.base import NOTHING, Finding, Rule
from detectors.rules.presence import picture_frozen


class CameraFrozen(Rule):
    key = "camera_frozen"
    version = "1"
    needs = ("scene", "health")
    zoned = False

    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        scene = percepts.get("scene", SceneReport)
        if not picture_frozen(percepts) or percepts.get("health", HealthReport).blocked:
            return NOTHING  # a covered lens shows a flat picture that may repeat: that is camera_blocked
        return Finding(True, 1.0, message=f"picture unchanged in {scene.identical_frames + 1} frames judged in a row")
