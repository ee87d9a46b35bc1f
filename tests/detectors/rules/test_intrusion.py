"""intrusion: a person after hours; motion alone counts only in the dark."""

import numpy as np

from core.site import EffectiveRule
from detectors.detections import Detections
from detectors.rules.intrusion import Intrusion
from tests.detectors.rules.incident_reports import health
from tests.detectors.rules.people_reports import attrs, percepts

RULE = Intrusion(
    EffectiveRule(
        key="intrusion", enabled=True, tier=1, dwell_s=2, realarm_s=60, clear_s=10, sensitivity=50, active="after_hours"
    )
)
BLOB = Detections.of(np.array([[100, 50, 160, 300]]), np.array([0.7]), "motion")


def test_a_person_standing_still_is_enough() -> None:
    finding = RULE.evaluate(percepts([((100, 50, 160, 300), 0.9, attrs())]), None, 640, 360)
    assert finding.condition and finding.detections.labels.tolist() == ["person"]


def test_motion_without_a_person_counts_only_in_the_dark() -> None:
    assert not RULE.evaluate(percepts([], motion=BLOB, brightness=150), None, 640, 360).condition
    dark = RULE.evaluate(percepts([], motion=BLOB, brightness=20), None, 640, 360)
    assert dark.condition and dark.detections.labels.tolist() == ["motion"] and "in the dark" in dark.message


def test_what_moves_over_a_covered_lens_is_not_an_intruder() -> None:
    covered = RULE.evaluate(percepts([], motion=BLOB, brightness=20, health=health(blocked=True)), None, 640, 360)
    assert not covered.condition
    # A person the detector finds still counts.
    seen = percepts([((100, 50, 160, 300), 0.9, attrs())], brightness=20, health=health(blocked=True))
    assert RULE.evaluate(seen, None, 640, 360).condition
