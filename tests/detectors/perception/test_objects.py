"""YOLOX-Nano on real pictures and on the synthetic kitchen: COCO labels, boxes in picture pixels."""

import numpy as np
import pytest

from detectors.errors import DetectorError
from detectors.perception.objects import INPUT_SIZE, ObjectDetector, input_size
from tests.detectors import realdata, scenes


@pytest.fixture(scope="module")
def detector() -> ObjectDetector:
    return ObjectDetector()


def test_the_astronaut_is_one_person_boxed_head_to_waist(detector: ObjectDetector) -> None:
    found = detector.detect(realdata.astronaut())  # 512×512, she fills most of the left of the picture
    people = found[found.labels == "person"]
    assert len(people) == 1 and people.scores[0] > 0.8
    x1, y1, x2, y2 = people.boxes[0]
    assert x1 < 40 and y1 < 40 and 340 < x2 < 400 and y2 > 480


def test_a_drawn_person_is_found_where_drawn_in_a_wide_picture(detector: ObjectDetector) -> None:
    img = scenes.with_walker(scenes.kitchen(seed=1), x=300, feet_y=330)  # 640×360 letterboxed to 416×256
    people = detector.detect(scenes.roundtrip(img))
    people = people[people.labels == "person"]
    assert len(people) == 1 and people.scores[0] > 0.6
    x1, y1, x2, y2 = people.boxes[0]
    assert 240 < x1 < 290 and 310 < x2 < 360 and y1 < 130 and y2 > 320


def test_an_empty_kitchen_has_no_one(detector: ObjectDetector) -> None:
    found = detector.detect(scenes.roundtrip(scenes.kitchen(seed=2)))
    assert "person" not in found.labels.tolist()
    assert set(found.labels.tolist()) <= set(detector.config.classes)


def test_bad_input_is_named(detector: ObjectDetector) -> None:
    with pytest.raises(DetectorError, match=r"got shape \(10, 10\)"):
        detector.detect(np.zeros((10, 10), np.uint8))


def test_wide_and_tall_pictures_run_without_the_square_padding() -> None:
    assert input_size(640, 360) == (416, 256)  # 234 rows of picture, rounded up to the 32-pixel stride
    assert input_size(1920, 1080) == (416, 256)
    assert input_size(360, 640) == (256, 416)
    assert input_size(512, 512) == input_size(100, 99) == INPUT_SIZE


def test_the_cut_input_finds_what_the_square_one_finds(detector: ObjectDetector) -> None:
    img = scenes.roundtrip(scenes.with_walker(scenes.kitchen(seed=1), x=300, feet_y=330))
    cut = detector.detect(img)
    square = detector.detect(np.ascontiguousarray(np.pad(img, ((0, 280), (0, 0), (0, 0)))))  # 640x640: 416x416
    assert (416, 256) in detector._runners and (416, 416) in detector._runners
    a, b = cut[cut.labels == "person"], square[square.labels == "person"]
    assert len(a) == len(b) == 1
    assert np.abs(a.boxes - b.boxes).max() < 6 and abs(float(a.scores[0] - b.scores[0])) < 0.1


def test_a_person_floor_adds_unsure_persons_only(detector: ObjectDetector) -> None:
    from tests.detectors.perception.synthetic_frames import frames

    url = "synthetic://kitchen?seed=0&people=1&stove=1&pose=1&clutter=8&noise=1&exposure=1.05&script=no_uniform@22.7+15"
    [(_, img)] = list(frames(url, 25.2, start=25.0, quality=55))  # a dark-clad cook stopping, front on
    sure, low = detector.detect(img), detector.detect(img, person_floor=0.1)
    assert not np.any(sure.labels == "person")
    unsure = low[low.labels == "person"]
    assert len(unsure) == 1 and 0.1 <= unsure.scores[0] < detector.config.min_score
    others = low[low.labels != "person"]
    assert sorted(others.labels.tolist()) == sorted(sure.labels[sure.labels != "person"].tolist())
