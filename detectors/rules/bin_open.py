"""bin_open (垃圾桶未盖): the bin zone no longer looks like its closed reference.

The zone_state plugin keeps a reference picture learnt when the detector starts (so start it
with the bins closed; see :mod:`detectors.perception.zone_state`). Per frame the zone's pattern
is correlated with the reference's; below a sensitivity-dependent similarity the lid is taken as
open. While someone stands at the bin (a person box or a large moving blob over the zone) the
view is blocked and the rule keeps its previous answer (person boxes when the camera runs the
person detector, else person-sized moving blobs). When the camera itself has moved, the
zone no longer shows the bin, so the rule says nothing (camera_displaced reports that). Without a
zone the rule has nothing to compare and never fires: configure the bin's lid zone.
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray

from core.site import EffectiveRule
from detectors.detections import Detections, PixelZone
from detectors.perception.base import Percepts
from detectors.perception.scene_health import SceneReport
from detectors.perception.zone_state import ZoneStateReport, zone_mask, zone_similarity
from detectors.rules.base import NOTHING, Finding, Rule, by_sensitivity
from detectors.rules.presence import overlapping, person_sized_motion, persons_seen

PERSON_MIN_SCORE = 0.3
MOVING_MIN_HEIGHT = 0.25  # share of the picture height: a person, not a lid swinging open
MOVED_SHIFT = 0.02  # share of the diagonal: the camera moved, the zone shows something else


class BinOpen(Rule):
    key = "bin_open"
    version = "1"
    needs = ("zone_state", "scene", "motion")
    zoned = True

    def __init__(self, settings: EffectiveRule) -> None:
        super().__init__(settings)
        # Similarity under which the zone differs: 0.3 at sensitivity 0, 0.9 at 100.
        self.min_similarity = by_sensitivity(settings.sensitivity, 0.3, 0.9)
        self._masks: dict[tuple[str, tuple[int, int]], NDArray[np.bool_]] = {}
        self._last: dict[str, Finding] = {}

    def evaluate(self, percepts: Percepts, zone: PixelZone | None, width: int, height: int) -> Finding:
        if zone is None:
            return NOTHING
        state = percepts.get("zone_state", ZoneStateReport)
        scene = percepts.get("scene", SceneReport)
        if state.reference is None or scene.view_matches is False or scene.view_shift > MOVED_SHIFT:
            self._last.pop(zone.id, None)
            return NOTHING
        x1, y1 = zone.polygon.min(axis=0)
        x2, y2 = zone.polygon.max(axis=0)
        if self._blocked(percepts, (float(x1), float(y1), float(x2), float(y2)), height):
            return self._last.get(zone.id, NOTHING)
        similarity = zone_similarity(state.reference, state.current, self._mask(zone, state))
        if similarity is None:
            return NOTHING
        if similarity >= self.min_similarity:
            finding = NOTHING
        else:
            box = Detections.of(np.array([[x1, y1, x2, y2]]), np.array([1.0 - max(0.0, similarity)]), "bin_open")
            finding = Finding(
                True,
                float(np.clip(1.0 - similarity, 0.0, 1.0)),
                box,
                f"bin in zone {zone.id} differs from its closed state (similarity {similarity:.2f})",
            )
        self._last[zone.id] = finding
        return finding

    def _blocked(self, percepts: Percepts, box: tuple[float, float, float, float], height: int) -> bool:
        persons = persons_seen(percepts)
        if persons is not None:
            return bool(len(overlapping(persons[persons.scores >= PERSON_MIN_SCORE], box)))
        # No person detector on this camera: a person-sized mover stands in (the lid itself, when
        # it swings open, makes a smaller moving blob, which must not hide its own change).
        return bool(len(overlapping(person_sized_motion(percepts, MOVING_MIN_HEIGHT * height), box)))

    def _mask(self, zone: PixelZone, state: ZoneStateReport) -> NDArray[np.bool_]:
        shape: Any = state.current.shape
        key = (zone.id, (int(shape[0]), int(shape[1])))
        mask = self._masks.get(key)
        if mask is None:
            mask = self._masks[key] = zone_mask(zone, key[1], state.scale)
        return mask
