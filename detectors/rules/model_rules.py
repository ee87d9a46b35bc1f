"""smoking (吸烟), phone_use (玩手机) and no_gloves (未戴手套) from the site's own models.

Each fires while a custom model class mapped onto its key is seen (score threshold from the
sensitivity) in its zone; on a camera whose models map no class onto it, smoking and no_gloves
have nothing to judge and are not run. phone_use also has a built-in signal: a COCO
``cell phone`` from the person detector that lies on a person (held, not lying on a shelf).
"""

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from core.site import CustomModelConfig, EffectiveRule
from detectors.detections import Detections, PixelZone
from detectors.perception.base import Percepts
from detectors.perception.custom_models import CustomModelsReport
from detectors.perception.people import PeopleReport
from detectors.rules.base import NOTHING, Finding, Rule, by_sensitivity


class ModelRule(Rule):
    needs: ClassVar[tuple[str, ...]] = ("custom_models",)
    zoned = True
    what: ClassVar[str] = ""

    def __init__(self, settings: EffectiveRule) -> None:
        super().__init__(settings)
        self.min_score = by_sensitivity(settings.sensitivity, 0.7, 0.3)

    def has_signal(self, models: Sequence[CustomModelConfig]) -> bool:
        return any(self.key in model.map.values() for model in models)

    def evidence(self, percepts: Percepts) -> Detections:
        return percepts.get("custom_models", CustomModelsReport).of(self.key)

    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        dets = self.evidence(percepts)
        if len(dets):
            dets = dets[dets.scores >= self.min_score]
        if zone is not None and len(dets):
            dets = dets[zone.trigger(dets, "center")]
        if not len(dets):
            return NOTHING
        where = f" in zone {zone.id}" if zone is not None else ""
        return Finding(True, float(dets.scores.max()), dets, f"{self.what}{where}: {len(dets)} detection(s)")


class Smoking(ModelRule):
    key = "smoking"
    version = "1"
    what = "smoking"


class NoGloves(ModelRule):
    key = "no_gloves"
    version = "1"
    what = "bare hands"


class PhoneUse(ModelRule):
    key = "phone_use"
    version = "1"
    needs = ("custom_models", "people")
    what = "phone in use"

    def has_signal(self, models: Sequence[CustomModelConfig]) -> bool:
        return True  # the person detector's phones

    def evidence(self, percepts: Percepts) -> Detections:
        own = super().evidence(percepts)
        report = percepts.get("people", PeopleReport)
        if not len(report.persons):  # a phone counts in a hand only (most frames of a kitchen: nobody)
            return own
        phones = report.objects[report.objects.labels == "cell phone"]
        held = phones[_on_a_person(phones, report.persons)] if len(phones) else phones
        if not len(held):
            return own
        if not len(own):
            return held
        return Detections(
            np.concatenate([own.boxes, held.boxes]),
            np.concatenate([own.scores, held.scores]),
            np.concatenate([own.labels, held.labels]),
        )


def _on_a_person(things: Detections, persons: Detections) -> NDArray[np.bool_]:
    """Which ``things`` have their centre inside some person box."""
    if not len(persons):
        return np.zeros(len(things), bool)
    c = things.anchors("center")
    b = persons.boxes
    inside = (c[:, None, 0] >= b[None, :, 0]) & (c[:, None, 0] <= b[None, :, 2])
    inside &= (c[:, None, 1] >= b[None, :, 1]) & (c[:, None, 1] <= b[None, :, 3])
    on: NDArray[np.bool_] = np.asarray(inside.any(axis=1), dtype=np.bool_)
    return on
