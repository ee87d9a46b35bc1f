"""HOG person proposals for the people YOLOX-Nano does not see."""

import numpy as np
import pytest

from detectors.detections import Detections
from detectors.perception.gate import GateConfig
from detectors.perception.hog_people import HogConfig, HogPeople, unseen
from detectors.perception.people import PeopleConfig, PeopleDetector
from tests.detectors import scenes


def persons(*boxes: tuple[float, float, float, float]) -> Detections:
    return Detections.of(np.array(boxes, np.float64).reshape(-1, 4), np.full(len(boxes), 0.8), "person")


def dark_cook(x: int = 250) -> np.ndarray:
    """A cook in dark clothes with hat and mask: YOLOX-Nano finds nobody in this picture."""
    return scenes.roundtrip(scenes.with_walker(scenes.kitchen(), x, hat=True, mask=True))


def test_hog_boxes_the_body_of_a_cook_in_dark_clothes() -> None:
    found = HogPeople().detect(dark_cook(250))
    assert len(found) == 1
    x1, y1, x2, y2 = found.boxes[0]
    assert x1 < 250 < x2 and x2 - x1 < 100  # round the walker, tightened from HOG's window
    assert y1 < 120 and y2 > 300  # hat to feet
    assert 0.5 <= found.scores[0] <= 0.8
    assert not len(HogPeople().detect(scenes.roundtrip(scenes.kitchen())))  # an empty kitchen
    assert not len(HogPeople().detect(np.full((48, 64, 3), 128, np.uint8)))  # under one window (it crashed)


def test_unseen_drops_hog_boxes_that_are_yolox_persons() -> None:
    hog = persons((100, 50, 160, 250), (300, 50, 360, 250), (500, 80, 540, 200))
    yolo = persons((104, 60, 162, 255), (480, 40, 600, 300))  # the first found again; the third inside one
    assert unseen(hog, yolo).boxes.tolist() == [[300, 50, 360, 250]]
    assert len(unseen(hog, Detections.empty())) == 3


def test_the_people_plugin_adds_a_cook_only_hog_saw_and_judges_them() -> None:
    img = dark_cook(250)
    assert not len(PeopleDetector(PeopleConfig(hog=HogConfig(enabled=False))).detect(img).persons)  # YOLOX alone
    report = PeopleDetector().detect(img)  # HOG is on by default
    assert len(report.persons) == 1
    look = report.attributes[0]
    assert look.face is not None and look.uniform is not None and look.uniform < 0.2  # dark clothes


def test_a_hog_box_without_a_face_is_no_person(monkeypatch: pytest.MonkeyPatch) -> None:
    people = PeopleDetector(PeopleConfig(hog=HogConfig(enabled=True)))
    shelf = persons((430, 100, 590, 260))  # HOG "found" the stove: no face, no skin there
    assert people.hog is not None
    monkeypatch.setattr(people.hog, "detect", lambda image: shelf)
    assert not len(people.detect(scenes.roundtrip(scenes.kitchen())).persons)


def test_hog_runs_at_most_every_few_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    people = PeopleDetector(PeopleConfig(hog=HogConfig(enabled=True, every_frames=5)))
    calls: list[int] = []
    assert people.hog is not None
    monkeypatch.setattr(people.hog, "detect", lambda image: calls.append(people._frame) or Detections.empty())
    img = dark_cook(250)
    for frame in range(1, 13):  # a detector run on every frame (a busy kitchen)
        people._frame = frame
        people.detect(img)
    assert calls == [1, 6, 11]


def test_an_empty_kitchens_safety_net_run_does_not_pay_for_hog(monkeypatch: pytest.MonkeyPatch) -> None:
    people = PeopleDetector(PeopleConfig(gate=GateConfig(refresh_frames=5, refresh_max_frames=5), relook_frames=()))
    calls: list[int] = []
    assert people.hog is not None
    monkeypatch.setattr(people.hog, "detect", lambda image: calls.append(people._frame) or Detections.empty())
    empty = scenes.roundtrip(scenes.kitchen())
    for _ in range(21):  # the gate's safety net opens every 5 frames on the unchanged picture
        people.observe(empty)
    assert people.runs >= 4  # YOLOX still looks at every safety-net run
    assert calls == [1]  # HOG only at the start
    people.observe(dark_cook(250))  # a change: HOG looks again
    assert calls == [1, 22]
