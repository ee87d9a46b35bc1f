"""The shared shape of per-person hygiene rules (no_chef_hat, no_mask, no_uniform).

A person counts when the detector is sure enough it is a person (threshold from sensitivity),
stands in the rule's zone (feet point) and the attribute could be measured; the rule holds while
at least one such person scores below the attribute threshold. A frame in which nobody could be
measured is "unseen", not compliant: a dwell under way waits for the next judgement. So is a
frame that judged only others while the last offender went unmeasured (the person detector
missed them, or they turned away): a colleague's hat says nothing about theirs. So is a frame of
a blurred or covered picture, in which a masked face and a bare one look alike (the camera health
rules report that). So is a frame whose only box where the offender stood is much bigger than
theirs: the detector merged them with a colleague beside them, and the colleague's hat was judged.
One incident per camera and rule (and zone), carrying the boxes of the offending people.
"""

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from core.site import EffectiveRule
from detectors.detections import Detections, FloatArray, PixelZone
from detectors.perception.attributes import PersonAttributes
from detectors.perception.base import Percepts
from detectors.perception.people import PeopleReport
from detectors.perception.persistence import MATCH_IOU, iou, same_face
from detectors.rules.base import NOTHING, UNSEEN, Finding, Rule, by_sensitivity
from detectors.rules.presence import picture_unclear

# Frames after the last offending one during which a frame that judged only other people is
# unseen rather than compliant (the incident machine bounds the pause: rules.incident.UNSEEN_S).
OFFENDER_MEMORY_FRAMES = 25
# A judged box over the last offender's at least this many times their area holds two people.
MERGED_AREA = 1.4


def person_threshold(sensitivity: int) -> float:
    """Lowest person score the people rules trust: 0.6 at sensitivity 0, 0.3 at 100."""
    return by_sensitivity(sensitivity, 0.6, 0.3)


def people_in(report: PeopleReport, zone: PixelZone | None, min_score: float) -> np.ndarray:
    """Indices of the persons scored at least ``min_score`` whose feet are in ``zone``."""
    ok = report.persons.scores >= min_score
    if zone is not None and len(report.persons):
        ok &= zone.trigger(report.persons, "bottom_center")
    return np.flatnonzero(ok)


class PersonAttributeRule(Rule):
    needs = ("people", "scene", "health")
    zoned = True
    attribute: ClassVar[str]  # a field of PersonAttributes
    what: ClassVar[str]  # "without a chef hat", for messages
    # The attribute score under which a person offends, at sensitivity 0 and 100.
    at_0: ClassVar[float] = 0.15
    at_100: ClassVar[float] = 0.6

    def __init__(self, settings: EffectiveRule) -> None:
        super().__init__(settings)
        self.min_person = person_threshold(settings.sensitivity)
        self.threshold = by_sensitivity(settings.sensitivity, self.at_0, self.at_100)
        # Per zone: the last offenders' boxes, their faces (NaN: none) and the frames they are
        # still remembered for.
        self._offenders: dict[str | None, tuple[FloatArray, FloatArray, int]] = {}

    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        report = percepts.get("people", PeopleReport)
        key = zone.id if zone is not None else None
        if not len(report.persons) and key not in self._offenders:
            return UNSEEN  # nobody in view and no offender remembered: unseen, the picture clear or not
        if picture_unclear(percepts):
            return UNSEEN
        offenders: list[int] = []
        judged: list[int] = []
        for i in people_in(report, zone, self.min_person):
            value = self._value(report.attributes[i])
            if value is not None:
                judged.append(int(i))
                if value < self.threshold:
                    offenders.append(int(i))
        if not offenders:
            return self._compliant(key, report.persons.boxes[np.array(judged, np.intp)], _faces(report, judged))
        idx = np.array(offenders, np.intp)
        persons = report.persons[idx]
        self._offenders[key] = (persons.boxes, _faces(report, offenders), OFFENDER_MEMORY_FRAMES)
        boxes = Detections(persons.boxes, persons.scores, np.array([self.key] * len(idx), dtype=np.str_))
        where = f" in zone {zone.id}" if zone is not None else ""
        return Finding(True, float(persons.scores.max()), boxes, f"{len(idx)} person(s) {self.what}{where}")

    def _compliant(self, key: str | None, judged: FloatArray, faces: FloatArray) -> Finding:
        """The finding of a frame in which the people judged (``judged`` boxes, with their
        ``faces``) all comply: unseen when nobody was judged, or when none of them is a recent
        offender found again (the offender went unmeasured); compliant otherwise."""
        last = self._offenders.pop(key, None)
        if len(judged) and (last is None or _found_again(last[0], last[1], judged, faces)):
            return NOTHING
        if last is not None and last[2] > 1:
            self._offenders[key] = (last[0], last[1], last[2] - 1)
        return UNSEEN

    def _value(self, attrs: PersonAttributes) -> float | None:
        value = getattr(attrs, self.attribute)
        return None if value is None else float(value)


def _area(boxes: FloatArray) -> FloatArray:
    out: FloatArray = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return out


def _faces(report: PeopleReport, persons: list[int]) -> FloatArray:
    """The face box judged on each of ``persons`` (rows of NaN where none was)."""
    faces = [report.attributes[i].face for i in persons]
    return np.array([f if f is not None else (np.nan,) * 4 for f in faces], np.float64).reshape(-1, 4)


def _found_again(offenders: FloatArray, offender_faces: FloatArray, judged: FloatArray, faces: FloatArray) -> bool:
    """Whether a judged box is one of ``offenders`` found again: overlapping them enough, not so
    much bigger that it holds a colleague too, and judged on the same face when both faces are
    known (one's centre inside the other). A box that held the offender and a colleague beside
    them can keep holding only the colleague (fresh no_hat 20300: it slid over to the masked
    colleague while the bare head was missed for 2 s, and their hat ended the dwell)."""
    same = iou(offenders, judged) >= MATCH_IOU
    alone = _area(judged)[None, :] < MERGED_AREA * _area(offenders)[:, None]
    return bool((same & alone & _same_faces(offender_faces, faces)).any())


def _same_faces(a: FloatArray, b: FloatArray) -> NDArray[np.bool_]:
    """For every face of ``a`` (n, 4) and of ``b`` (m, 4): the same face, or either unknown (NaN)."""
    out: NDArray[np.bool_] = np.isnan(a[:, :1]) | np.isnan(b[:, 0])[None, :] | same_face(a, b)
    return out
