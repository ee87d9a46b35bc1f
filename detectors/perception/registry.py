"""The one registry of perception plugins. An unknown name or a plugin that cannot build and run
on a blank picture is a start-up error naming the plugin. A few plugins are shaped by the camera's
site settings (``Camera.perception``); the others take none."""

from collections.abc import Callable

import numpy as np

from core.site import PerceptionSettings
from detectors.errors import DetectorError
from detectors.perception.base import Perceiver
from detectors.perception.custom_models import CustomModels
from detectors.perception.flame import FlameDetector
from detectors.perception.health import HealthMonitor
from detectors.perception.hog_people import HogConfig
from detectors.perception.motion import MotionDetector
from detectors.perception.people import PeopleConfig, PeopleDetector
from detectors.perception.scene_health import SceneHealth
from detectors.perception.small_motion import SmallMotionDetector
from detectors.perception.zone_state import ZoneState

PERCEIVERS: dict[str, Callable[[], Perceiver]] = {
    HealthMonitor.key: HealthMonitor,
    MotionDetector.key: MotionDetector,
    PeopleDetector.key: PeopleDetector,
    CustomModels.key: CustomModels,
    SceneHealth.key: SceneHealth,
    FlameDetector.key: FlameDetector,
    SmallMotionDetector.key: SmallMotionDetector,
    ZoneState.key: ZoneState,
}


def _people(settings: PerceptionSettings) -> Perceiver:
    hog = HogConfig(enabled=settings.hog_people, every_frames=settings.hog_every_frames)
    return PeopleDetector(PeopleConfig(hog=hog))


# The plugins a camera's perception settings shape: the pipeline builds them anew when those change.
CONFIGURED: dict[str, Callable[[PerceptionSettings], Perceiver]] = {PeopleDetector.key: _people}


def create(key: str, settings: PerceptionSettings | None = None) -> Perceiver:
    """A fresh perceiver for one camera, shaped by the camera's ``settings`` where the plugin reads
    them (none: the defaults, as for a camera the site does not know)."""
    factory = PERCEIVERS.get(key)
    if factory is None:
        raise DetectorError(f"unknown perception plugin {key!r}; expected one of {sorted(PERCEIVERS)}")
    configured = CONFIGURED.get(key)
    try:
        if configured is not None:
            return configured(PerceptionSettings() if settings is None else settings)
        return factory()
    except Exception as exc:
        raise DetectorError(f"perception plugin {key!r} failed to start: {exc}") from exc


def self_test() -> None:
    """Build every plugin and run it on two blank pictures, so a broken one stops start-up."""
    blank = np.full((48, 64, 3), 128, dtype=np.uint8)
    for key in PERCEIVERS:
        plugin = create(key)
        try:
            plugin.observe(blank)
            plugin.observe(blank)
        except Exception as exc:
            raise DetectorError(f"perception plugin {key!r} failed on a blank picture: {exc}") from exc
