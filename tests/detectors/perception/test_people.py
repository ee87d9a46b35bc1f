"""The people plugin: persons with attributes, and the gate that keeps a static kitchen cheap."""

import pytest

from detectors.perception.people import PeopleConfig, PeopleDetector, PeopleReport
from tests.detectors import scenes


@pytest.fixture(scope="module")
def plugin() -> PeopleDetector:
    return PeopleDetector()


def test_attributes_of_an_intruder_and_of_a_cook(plugin: PeopleDetector) -> None:
    img = scenes.with_walker(scenes.kitchen(seed=3), x=160, feet_y=320)
    img = scenes.with_walker(img, x=470, feet_y=320, hat=True)  # a hat, but no mask and dark clothes
    report = plugin.detect(scenes.roundtrip(img))
    assert len(report.persons) == 2 and report.fresh
    by_x = sorted(zip(report.persons.boxes[:, 0], report.attributes, strict=True), key=lambda p: p[0])
    intruder, cook = by_x[0][1], by_x[1][1]
    assert intruder.hat is not None and intruder.hat < 0.2 and intruder.uniform is not None and intruder.uniform < 0.1
    assert cook.hat is not None and cook.hat > 0.8 and cook.uniform is not None and cook.uniform < 0.1
    assert cook.mask is not None and cook.mask < 0.1 and cook.face_found  # BlazeFace found the bare face


def test_static_frames_reuse_the_last_result(plugin: PeopleDetector) -> None:
    plugin.reset()
    img = scenes.roundtrip(scenes.with_walker(scenes.kitchen(seed=4), x=300, feet_y=320))
    refresh = plugin.config.people_refresh_frames  # a person in view: looked at again every 2 s
    reports: list[PeopleReport] = [plugin.observe(img) for _ in range(refresh + 2)]
    assert [r.fresh for r in reports] == [True] + [False] * (refresh - 1) + [True, False]
    assert all(len(r.persons) == 1 for r in reports)
    plugin.reset()
    empty = scenes.roundtrip(scenes.kitchen(seed=4))
    refresh = plugin.config.gate.refresh_frames  # nobody: only the gate's 30 s safety net
    reports = [plugin.observe(empty) for _ in range(refresh + 2)]
    assert [r.fresh for r in reports] == [True] + [False] * (refresh - 1) + [True, False]
    assert all(len(r.persons) == 0 for r in reports)


def test_a_moving_scene_runs_the_detectors_at_most_every_other_frame() -> None:
    plugin = PeopleDetector(PeopleConfig(min_gap_frames=2))
    frames = [
        scenes.roundtrip(scenes.with_walker(scenes.kitchen(seed=4), x=120 + 25 * i, feet_y=320)) for i in range(7)
    ]
    reports = [plugin.observe(img) for img in frames]
    assert [r.fresh for r in reports] == [True, False, True, False, True, False, True]
    # the frame that may run after a change catches up on it: the walker's latest position
    assert abs(float(reports[-1].persons.boxes[0, 0]) - float(reports[-2].persons.boxes[0, 0])) > 20
