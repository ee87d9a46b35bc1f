"""The schedule gate and the sensitivity mapping."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.catalog import Active
from core.schedule import Schedule
from detectors.rules.base import by_sensitivity, is_active

SCHEDULE = Schedule.model_validate(
    {
        "timezone": "Asia/Shanghai",
        "working_hours": {"mon": ["06:00-19:00"], "sat": ["08:00-12:00"]},
        "meal_prep": {"mon": ["09:30-12:30"]},
        "holidays": ["2025-03-10"],
    }
)


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Shanghai")).timestamp() * 1000)


@pytest.mark.parametrize(
    ("when", "active", "expected"),
    [
        ("2025-03-03T10:00", "always", True),
        ("2025-03-03T10:00", "working_hours", True),
        ("2025-03-03T10:00", "after_hours", False),
        ("2025-03-03T10:00", "meal_prep", True),
        ("2025-03-03T13:00", "meal_prep", False),
        ("2025-03-03T05:59", "working_hours", False),
        ("2025-03-03T05:59", "after_hours", True),
        ("2025-03-03T19:00", "after_hours", True),
        ("2025-03-04T10:00", "after_hours", True),  # Tuesday has no working hours in this school
        ("2025-03-08T09:00", "working_hours", True),  # Saturday morning
        ("2025-03-10T10:00", "after_hours", True),  # a Monday holiday
        ("2025-03-10T10:00", "always", True),
    ],
)
def test_is_active_follows_the_schedule_in_the_school_time_zone(when: str, active: Active, expected: bool) -> None:
    assert is_active(active, SCHEDULE, at(when)) is expected


@pytest.mark.parametrize(("s", "expected"), [(0, 0.9), (50, 0.5), (100, 0.1), (-5, 0.9), (150, 0.1)])
def test_sensitivity_maps_linearly_and_clamps(s: int, expected: float) -> None:
    assert by_sensitivity(s, 0.9, 0.1) == pytest.approx(expected)
