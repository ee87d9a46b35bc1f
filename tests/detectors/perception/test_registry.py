"""The perception registry: plugins by name, the people detector shaped by the camera's settings."""

import pytest

from core.site import PerceptionSettings
from detectors.errors import DetectorError
from detectors.perception import registry
from detectors.perception.hog_people import HogConfig
from detectors.perception.motion import MotionDetector
from detectors.perception.people import PeopleDetector


def test_the_site_default_is_the_hog_default() -> None:
    """core cannot import detectors, so the site model repeats HogConfig's defaults: kept equal here."""
    settings, hog = PerceptionSettings(), HogConfig()
    assert (settings.hog_people, settings.hog_every_frames) == (hog.enabled, hog.every_frames)


@pytest.mark.parametrize(
    ("settings", "hog_on", "every"),
    [
        (None, True, HogConfig().every_frames),
        (PerceptionSettings(hog_people=False), False, 5),
        (PerceptionSettings(hog_every_frames=15), True, 15),
    ],
)
def test_people_are_built_from_the_cameras_settings(
    settings: PerceptionSettings | None, hog_on: bool, every: int
) -> None:
    people = registry.create("people", settings)
    assert isinstance(people, PeopleDetector)
    assert (people.config.hog.enabled, people.config.hog.every_frames) == (hog_on, every)
    assert (people.hog is not None) == hog_on


def test_plugins_the_settings_do_not_shape_ignore_them() -> None:
    assert isinstance(registry.create("motion", PerceptionSettings(hog_people=False)), MotionDetector)


def test_an_unknown_plugin_is_an_error_naming_it() -> None:
    with pytest.raises(DetectorError, match="unknown perception plugin 'peeple'"):
        registry.create("peeple")


def test_self_test_builds_and_runs_every_plugin() -> None:
    registry.self_test()
