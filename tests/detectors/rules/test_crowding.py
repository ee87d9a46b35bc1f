"""crowding: more people than the sensitivity allows."""

import pytest

from core.site import EffectiveRule
from detectors.rules.crowding import Crowding, max_people
from tests.detectors.rules.people_reports import attrs, percepts


def rule(sensitivity: int = 50) -> Crowding:
    return Crowding(
        EffectiveRule(
            key="crowding",
            enabled=True,
            tier=2,
            dwell_s=5,
            realarm_s=60,
            clear_s=10,
            sensitivity=sensitivity,
            active="after_hours",
        )
    )


@pytest.mark.parametrize(("sensitivity", "allowed"), [(0, 9), (50, 5), (100, 1)])
def test_allowed_count_from_sensitivity(sensitivity: int, allowed: int) -> None:
    assert max_people(sensitivity) == allowed


def test_more_than_allowed_fires_with_every_box() -> None:
    crowd = [((10 + 70 * i, 10, 60 + 70 * i, 200), 0.8, attrs()) for i in range(6)]
    finding = rule().evaluate(percepts(crowd), None, 640, 360)
    assert finding.condition and len(finding.detections) == 6 and "more than 5" in finding.message
    assert not rule().evaluate(percepts(crowd[:5]), None, 640, 360).condition
