"""intrusion (非工作时间人员闯入): person-sized movement while the school is not working.

For now person-sized motion blobs are the evidence; a person detector will replace or confirm
them later without changing the rule's contract.
"""

import numpy as np

from core.site import EffectiveRule
from detectors.detections import PixelZone
from detectors.perception.base import Percepts
from detectors.perception.motion import MotionReport
from detectors.rules.base import Finding, Rule, by_sensitivity


class Intrusion(Rule):
    key = "intrusion"
    version = "1"
    needs = ("motion",)
    zoned = True

    def __init__(self, settings: EffectiveRule) -> None:
        super().__init__(settings)
        # Smallest blob height, as a fraction of the picture height: 0.35 at sensitivity 0,
        # 0.08 at 100 (a person far from the camera), 0.215 at the default 50.
        self.min_height = by_sensitivity(settings.sensitivity, 0.35, 0.08)

    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        motion = percepts.get("motion", MotionReport)
        blobs = motion.detections
        if not len(blobs):
            return Finding(False)
        min_h = self.min_height * height
        people = blobs[(blobs.heights >= min_h) & (blobs.widths >= 0.2 * min_h)]
        if zone is not None and len(people):
            people = people[zone.trigger(people, "bottom_center")]
        if not len(people):
            return Finding(False)
        where = f" in zone {zone.id}" if zone is not None else ""
        return Finding(
            True,
            float(np.max(people.scores)),
            people,
            message=f"{len(people)} person-sized moving object(s){where} outside working hours",
        )
