"""rodent (老鼠): a small thing moving on the floor, confirmed on two consecutive frames.

Candidates come from the small-motion plugin (which already drops lighting changes, flicker and
blobs next to large moving ones). Here they must stand in the rule's zone (configure the floor
zone) and be away from any person the person plugin found, and the camera must show the view its
zones were drawn on, and have shown it for a few seconds. Sensitivity sets the largest size that
may count (a cat, a bag being kicked are bigger). Immediate by default (dwell 0, tier 1).
"""

import numpy as np

from core.site import EffectiveRule
from detectors.detections import Detections, PixelZone
from detectors.perception.base import Percepts
from detectors.perception.small_motion import SmallMotionReport
from detectors.rules.base import NOTHING, Finding, Rule, by_sensitivity
from detectors.rules.presence import overlapping, persons_seen, view_moved

PERSON_MIN_SCORE = 0.25
PERSON_GROW = 0.15  # feet and shadows stick out of a person box a little
PERSON_ABOVE = 0.35  # in a dim picture the box often stops at the shoulders: head, hat, raised hands
# Frames judged after the view last looked moved before movers count again (5 s at 5 fps): when a
# knocked camera is put back, the small-motion background still holds the other view for seconds.
SETTLE_FRAMES = 25


class Rodent(Rule):
    key = "rodent"
    version = "1"
    needs = ("small_motion", "scene")
    zoned = True

    def __init__(self, settings: EffectiveRule) -> None:
        super().__init__(settings)
        # Largest box side that may be a rodent, share of the picture width: 0.05 at sensitivity
        # 0, 0.09 at 100 (a rat near the camera is about 0.05 of a 90-degree view).
        self.max_side = by_sensitivity(settings.sensitivity, 0.05, 0.09)
        self._since_moved: dict[str | None, int] = {}  # zone -> frames judged since the view moved

    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        report = percepts.get("small_motion", SmallMotionReport)
        key = zone.id if zone is not None else None
        since = 0 if view_moved(percepts) else self._since_moved.get(key, SETTLE_FRAMES) + 1
        self._since_moved[key] = since
        movers = report.confirmed
        if not len(movers) or since < SETTLE_FRAMES:
            return NOTHING  # a knocked camera shows every edge moving, and its floor zone is elsewhere
        movers = movers[np.maximum(movers.widths, movers.heights) <= self.max_side * width]
        if zone is not None and len(movers):
            movers = movers[zone.trigger(movers, "bottom_center")]
        persons = persons_seen(percepts)
        if persons is not None and len(movers):
            persons = persons[persons.scores >= PERSON_MIN_SCORE]
            keep = [
                i
                for i, b in enumerate(movers.boxes)
                if not len(overlapping(persons, (b[0], b[1], b[2], b[3]), PERSON_GROW, PERSON_ABOVE))
            ]
            movers = movers[np.array(keep, np.intp)]
        if not len(movers):
            return NOTHING
        where = f" in zone {zone.id}" if zone is not None else ""
        labelled = Detections.of(movers.boxes, movers.scores, "rodent")
        return Finding(True, float(movers.scores.max()), labelled, f"{len(movers)} small moving object(s){where}")
