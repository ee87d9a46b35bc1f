"""stove_unattended (动火离人): flames burn in the stove zone and nobody is there.

Burning: the flame plugin's pixels inside the zone cover at least a sensitivity-dependent share
of the picture. Somebody there: a person box (from the person plugin, when the camera runs one)
or a person-sized moving blob whose feet or centre are in the zone, moving now (a tenth of its
pixels changed since the last frame). Either is enough: a missed person would mean a false alarm.
A motion "ghost" (a cook who stood still a long time and walked off leaves one in the motion
background for about two seconds) does not move; counted, it delayed the alert past dwell + 2 s
(fresh seed 14001: 2.2 s from the moment the last cook left). The absence time is the rule's
dwell (catalog default 60 s; vendors allow 1-600 s or 1-1800 s); a cook seen for a second or
more restarts it (the incident machine's dropout). The rule judges the frames the flame plugin
judges, one in five (a second apart at 5 fps; the finding stands in between): a 60-s dwell needs
no finer clock, and a cook is then seen when there on two judgements in a row (1-2 s). A blurred,
covered or frozen picture is unseen, as for the people rules: a cook at the stove is not found in
it, and the camera health rules report it (fresh evaluation seeds 19500-11: a 25-s blur hid the
cook's return, and the dwell ran on to a false alert).
"""

from core.site import EffectiveRule
from detectors.detections import PixelZone
from detectors.perception.base import Percepts
from detectors.perception.flame import FlameDetector, FlameReport
from detectors.rules.base import NOTHING, UNSEEN, Finding, Rule, by_sensitivity
from detectors.rules.presence import in_zone, person_sized_motion, persons_seen, picture_unclear

PERSON_MIN_SCORE = 0.3
MOTION_MIN_HEIGHT = 0.15  # person-sized moving blob, share of the picture height
MOTION_MIN_MOVING = 0.1  # share of its pixels that changed since the last frame (a ghost's: under 0.07)


class StoveUnattended(Rule):
    key = "stove_unattended"
    version = "1"
    needs = ("flame", "motion", "scene", "health")
    cadence, phase = FlameDetector.cadence, FlameDetector.phase  # judged when its flames are
    zoned = True

    def __init__(self, settings: EffectiveRule) -> None:
        super().__init__(settings)
        # Flame area needed, share of the picture: 0.0006 at sensitivity 0, 0.00005 at 100
        # (two small gas rings at 640x360 show about 0.0015).
        self.min_flame = by_sensitivity(settings.sensitivity, 6e-4, 5e-5)

    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        flame = percepts.get("flame", FlameReport)
        if not flame.ready or not len(flame.points):
            return NOTHING
        share = flame.area_in_zone(zone) / float(width * height)
        if share < self.min_flame:
            return NOTHING
        if picture_unclear(percepts):
            return UNSEEN
        persons = persons_seen(percepts)
        if persons is not None and len(in_zone(persons[persons.scores >= PERSON_MIN_SCORE], zone)):
            return NOTHING
        if len(in_zone(person_sized_motion(percepts, MOTION_MIN_HEIGHT * height, MOTION_MIN_MOVING), zone)):
            return NOTHING  # the person detector misses people (backs, steam): a mover counts too
        boxes = flame.boxes_in_zone(zone)
        where = f" in zone {zone.id}" if zone is not None else ""
        return Finding(
            True,
            min(1.0, share / (4 * self.min_flame)),
            boxes,
            f"stove burning{where} with nobody there (flames {share * 100:.2f}% of the picture)",
        )
