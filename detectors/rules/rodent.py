"""rodent (老鼠): a small thing moving on the floor, confirmed on two consecutive frames.

Candidates come from the small-motion plugin (which already drops lighting changes, flicker and
blobs next to large moving ones). Here they must stand in the rule's zone (configure the floor
zone) and be away from any person the person plugin found, or lost in the last minute where
nothing moves, and the camera must show the view its zones were drawn on, and have shown it for
a few seconds. Sensitivity sets the largest size that may count (a cat, a bag being kicked are
bigger). Immediate by default (dwell 0, tier 1).
"""

import numpy as np

from core.site import EffectiveRule
from detectors.detections import Detections, PixelZone
from detectors.perception.base import Percepts
from detectors.perception.motion import MotionReport
from detectors.perception.small_motion import SmallMotionReport
from detectors.rules.base import NOTHING, Finding, Rule, by_sensitivity
from detectors.rules.presence import overlapping, persons_seen, view_moved

PERSON_MIN_SCORE = 0.25
PERSON_GROW = 0.15  # feet and shadows stick out of a person box a little
PERSON_ABOVE = 0.35  # in a dim picture the box often stops at the shoulders: head, hat, raised hands
# Frames judged after the view last looked moved before movers count again (5 s at 5 fps): when a
# knocked camera is put back, the small-motion background still holds the other view for seconds.
SETTLE_FRAMES = 25
# Frames a person's last box is remembered once the person plugin no longer finds them there (60 s
# at 5 fps), if nothing moves there either (no motion blob on the box). A cook standing still can
# go unfound and be dropped while still there; when they move again, their first steps are a foot
# and a hat top moving under no person box (fresh compliant clip 24735: a rodent alert 3 s after a
# still cook was dropped, 0.4 s before they were found again). Not where the motion plugin sees
# something: a walking cook the detector flickers on is lost at every other step, with their body
# moving under the box, and such boxes held a rat running past the stove 3 s (day rodent seed 19708).
VANISHED_FRAMES = 300
# A motion blob over this share of the picture is the view itself moving (or a door or a cart
# near the lens), and what moves inside it is no rodent: on the first frame of a knocked camera,
# before the scene plugin's next look, one blob covered two thirds of the view and two edges in
# it were confirmed as small movers (fresh displaced scene 20604 at 34.8 s: a false rodent).
HUGE_BLOB = 0.15


class Rodent(Rule):
    key = "rodent"
    version = "1"
    needs = ("small_motion", "scene", "motion")
    zoned = True

    def __init__(self, settings: EffectiveRule) -> None:
        super().__init__(settings)
        # Largest box side that may be a rodent, share of the picture width: 0.05 at sensitivity
        # 0, 0.09 at 100 (a rat near the camera is about 0.05 of a 90-degree view).
        self.max_side = by_sensitivity(settings.sensitivity, 0.05, 0.09)
        self._since_moved: dict[str | None, int] = {}  # zone -> frames judged since the view moved
        self._persons: dict[str | None, Detections] = {}  # zone -> the persons of the last frame judged
        self._vanished: dict[str | None, list[tuple[int, Detections]]] = {}  # zone -> (age, lost persons)

    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        report = percepts.get("small_motion", SmallMotionReport)
        key = zone.id if zone is not None else None
        since = 0 if view_moved(percepts) else self._since_moved.get(key, SETTLE_FRAMES) + 1
        self._since_moved[key] = since
        motion = percepts.get("motion", MotionReport) if "motion" in percepts else None
        blobs = motion.detections if motion is not None else None
        persons = self._near(key, persons_seen(percepts), blobs)
        movers = report.confirmed
        if not len(movers) or since < SETTLE_FRAMES:
            return NOTHING  # a knocked camera shows every edge moving, and its floor zone is elsewhere
        if motion is not None and motion.lighting_change:
            # The whole picture changed (the lights, or the camera knocked before the scene
            # plugin's next look): edges that moved with it are no rodent (fresh displaced
            # scene 20711 at 28.2 s: a false rodent on the frame the view moved).
            return NOTHING
        movers = movers[np.maximum(movers.widths, movers.heights) <= self.max_side * width]
        if zone is not None and len(movers):
            movers = movers[zone.trigger(movers, "bottom_center")]
        if blobs is not None and len(movers):
            huge = blobs[blobs.widths * blobs.heights >= HUGE_BLOB * width * height]
            inside = [len(overlapping(huge, (b[0], b[1], b[2], b[3]))) > 0 for b in movers.boxes]
            movers = movers[~np.array(inside, np.bool_)]
        if persons is not None and len(movers):
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

    def _near(self, key: str | None, seen: Detections | None, blobs: Detections | None) -> Detections | None:
        """The persons a mover must keep away from: those ``seen`` on this frame (None when no
        person plugin ran) and, for ``VANISHED_FRAMES`` frames, the last box of each one no longer
        found where they were, on which the motion plugin's ``blobs`` show nothing either."""
        if seen is None:
            return None
        now = seen[seen.scores >= PERSON_MIN_SCORE]
        last = self._persons.get(key, Detections.empty())
        self._persons[key] = now
        lost = [
            i
            for i, b in enumerate(last.boxes)
            if blobs is not None
            and not len(overlapping(now, (b[0], b[1], b[2], b[3])))
            and not len(overlapping(blobs, (b[0], b[1], b[2], b[3])))
        ]
        aged = [(age + 1, d) for age, d in self._vanished.get(key, []) if age + 1 < VANISHED_FRAMES]
        if lost:
            aged.append((0, last[np.array(lost, np.intp)]))
        self._vanished[key] = aged
        return Detections.concat(now, *(d for _, d in aged)) if aged else now
