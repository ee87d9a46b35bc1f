"""intrusion (非工作时间人员闯入): a person in the kitchen while the school is not working.

People found by the person detector are the evidence, still or moving. In a dark kitchen (lights
off at night) the detector misses people, so there person-sized motion blobs count too; in a lit
kitchen motion alone does not (a swinging door or steam is not a person), nor while the lens is
covered (the hand or cloth moving over it is not a person: camera_blocked reports that).
"""

import numpy as np

from core.site import EffectiveRule
from detectors.detections import Detections, PixelZone
from detectors.perception.base import Percepts
from detectors.perception.motion import MotionReport
from detectors.perception.people import PeopleReport
from detectors.rules.base import Finding, Rule, by_sensitivity
from detectors.rules.person_attribute import people_in, person_threshold
from detectors.rules.presence import lens_covered

DARK_LEVEL = 60.0  # mean grey level under which the person detector is not trusted alone


class Intrusion(Rule):
    key = "intrusion"
    version = "2"
    needs = ("people", "motion", "health")
    zoned = True

    def __init__(self, settings: EffectiveRule) -> None:
        super().__init__(settings)
        self.min_person = person_threshold(settings.sensitivity)
        # Smallest motion blob height, as a fraction of the picture height: 0.35 at sensitivity 0,
        # 0.08 at 100 (a person far from the camera), 0.215 at the default 50.
        self.min_height = by_sensitivity(settings.sensitivity, 0.35, 0.08)

    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        report = percepts.get("people", PeopleReport)
        where = f" in zone {zone.id}" if zone is not None else ""
        idx = people_in(report, zone, self.min_person)
        if len(idx):
            persons = report.persons[idx]
            return Finding(
                True, float(persons.scores.max()), persons, f"{len(idx)} person(s){where} outside working hours"
            )
        if report.brightness >= DARK_LEVEL or lens_covered(percepts):
            return Finding(False)
        blobs = self._moving_people(percepts.get("motion", MotionReport), zone, height)
        if not len(blobs):
            return Finding(False)
        return Finding(
            True,
            float(np.max(blobs.scores)),
            blobs,
            message=f"{len(blobs)} person-sized moving object(s){where} in the dark outside working hours",
        )

    def _moving_people(self, motion: MotionReport, zone: PixelZone | None, height: int) -> Detections:
        blobs = motion.detections
        if not len(blobs):
            return blobs
        min_h = self.min_height * height
        people = blobs[(blobs.heights >= min_h) & (blobs.widths >= 0.2 * min_h)]
        if zone is not None and len(people):
            people = people[zone.trigger(people, "bottom_center")]
        return people
