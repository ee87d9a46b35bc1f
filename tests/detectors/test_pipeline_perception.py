"""A camera's perception settings in its pipeline: the people detector is built to them, built anew
when they change, and kept (with its memory) through every other site edit."""

from core.contracts import Frame
from core.site import Camera, School, Site
from detectors.cameras import CameraPipelines
from detectors.perception.people import PeopleDetector
from detectors.pipeline import CameraPipeline
from tests.detectors import scenes
from tests.detectors.test_pipeline import MONDAY_MORNING, feed, site, walking


def site_with(
    perception: dict[str, object] | None = None,
    name: str = "Cooking",
    rules: dict[str, dict[str, object]] | None = None,
) -> Site:
    body = site(**(rules or {})).model_dump()
    cam = body["schools"][0]["cameras"][0]
    cam["name"] = name
    if perception is not None:
        cam["perception"] = perception
    return Site.model_validate(body)


def camera(perception: dict[str, object] | None = None, **rules: dict[str, object]) -> tuple[School, Camera]:
    found = site_with(perception, rules=rules).camera("cam1")
    assert found is not None
    return found


def people(p: CameraPipeline) -> PeopleDetector:
    plugin = p._perceivers["people"]
    assert isinstance(plugin, PeopleDetector)
    return plugin


def test_hog_runs_by_default_and_not_where_the_site_turns_it_off() -> None:
    assert people(CameraPipeline("cam1", *camera())).hog is not None
    off = people(CameraPipeline("cam1", *camera({"hog_people": False})))
    assert off.hog is None and not off.config.hog.enabled


def test_a_camera_the_site_does_not_know_runs_hog() -> None:
    assert people(CameraPipeline("cam1")).hog is not None


def test_changed_perception_settings_build_the_people_detector_anew() -> None:
    p = CameraPipeline("cam1", *camera())
    feed(p, walking(3), MONDAY_MORNING)
    first = people(p)
    p.configure(*camera({"hog_people": False}))
    second = people(p)
    assert second is not first and second.hog is None
    p.configure(*camera({"hog_people": False, "hog_every_frames": 10}))
    third = people(p)
    assert third is not second and third.hog is None and third.config.hog.every_frames == 10
    p.configure(*camera({"hog_every_frames": 10}))
    assert people(p).hog is not None and people(p).config.hog.every_frames == 10
    feed(p, walking(3), MONDAY_MORNING + 1000)  # the new detector judges the next frames


def test_an_unrelated_edit_keeps_every_perceiver_and_its_memory() -> None:
    p = CameraPipeline("cam1", *camera({"hog_people": False}))
    feed(p, walking(3), MONDAY_MORNING)
    before = dict(p._perceivers)
    p.configure(*camera({"hog_people": False}, camera_blocked={"sensitivity": 60}))
    assert p._perceivers.keys() == before.keys() and all(p._perceivers[k] is v for k, v in before.items())
    p.configure(*camera({"hog_people": False, "hog_every_frames": 5}))  # the default spelt out: no change
    assert people(p) is before["people"]


def test_a_site_re_applied_on_the_worker_rebuilds_people_only_when_the_cameras_settings_change() -> None:
    pipelines = CameraPipelines()
    frame = Frame("cam1", "s1", MONDAY_MORNING, 0, 640, 360, scenes.jpeg(scenes.kitchen(seed=1)))

    def applied(s: Site) -> PeopleDetector:
        pipelines.apply_site(s)
        return people(pipelines.for_frame(frame, 0))

    first = applied(site_with())
    assert applied(site_with(name="Cooking, by the door")) is first
    off = applied(site_with({"hog_people": False}, name="Cooking, by the door"))
    assert off is not first and off.hog is None
