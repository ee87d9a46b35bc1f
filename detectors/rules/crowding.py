"""crowding (人员聚集): more people than allowed in the view (or zone).

The allowed count is the rule's ``max_people`` setting; without one it comes from the
sensitivity: 9 at sensitivity 0, 1 at 100, 5 at the default 50.
"""

import numpy as np

from core.site import EffectiveRule
from detectors.detections import Detections, PixelZone
from detectors.perception.base import Percepts
from detectors.perception.people import PeopleReport
from detectors.rules.base import NOTHING, Finding, Rule, by_sensitivity
from detectors.rules.person_attribute import people_in, person_threshold


def max_people(sensitivity: int) -> int:
    return round(by_sensitivity(sensitivity, 9, 1))


class Crowding(Rule):
    key = "crowding"
    version = "1"
    needs = ("people",)
    zoned = True

    def __init__(self, settings: EffectiveRule) -> None:
        super().__init__(settings)
        # The site's own number wins; otherwise the sensitivity sets it.
        self.max_people = settings.max_people or max_people(settings.sensitivity)
        self.min_person = person_threshold(settings.sensitivity)

    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        report = percepts.get("people", PeopleReport)
        idx = people_in(report, zone, self.min_person)
        if len(idx) <= self.max_people:
            return NOTHING
        persons = report.persons[idx]
        where = f" in zone {zone.id}" if zone is not None else ""
        return Finding(
            True,
            float(np.mean(persons.scores)),
            Detections(persons.boxes, persons.scores, persons.labels),
            f"{len(idx)} people{where}, more than {self.max_people}",
        )
