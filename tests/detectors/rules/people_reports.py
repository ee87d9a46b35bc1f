"""Hand-made people reports, so rule logic is tested without running a network."""

import numpy as np

from detectors.detections import Detections
from detectors.perception.attributes import PersonAttributes
from detectors.perception.base import Percepts
from detectors.perception.custom_models import CustomModelsReport
from detectors.perception.motion import MotionReport
from detectors.perception.people import PeopleReport

Person = tuple[tuple[float, float, float, float], float, PersonAttributes]


def attrs(hat: float | None = 1.0, mask: float | None = 1.0, uniform: float | None = 1.0) -> PersonAttributes:
    return PersonAttributes(hat, mask, uniform, None, False)


def percepts(
    people: list[Person],
    *,
    objects: Detections | None = None,
    brightness: float = 150.0,
    motion: Detections | None = None,
    custom: CustomModelsReport | None = None,
    **extra: object,
) -> Percepts:
    persons = (
        Detections(
            np.array([p[0] for p in people]), np.array([p[1] for p in people]), np.array(["person"] * len(people))
        )
        if people
        else Detections.empty()
    )
    report = PeopleReport(
        objects if objects is not None else persons,
        persons,
        tuple(p[2] for p in people),
        Detections.empty(),
        True,
        brightness,
    )
    return Percepts(
        {
            "people": report,
            "motion": MotionReport(motion if motion is not None else Detections.empty(), 0.0, False, False),
            "custom_models": custom or CustomModelsReport(),
            **extra,  # other plugins' reports (scene, health)
        }
    )
