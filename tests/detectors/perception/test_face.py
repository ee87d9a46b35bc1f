"""BlazeFace through cv2.dnn with the anchors decoded here: real faces found, non-faces mostly not."""

import pytest

from detectors.perception.face import ANCHORS, FaceDetector
from tests.detectors import realdata


@pytest.fixture(scope="module")
def detector() -> FaceDetector:
    return FaceDetector()


def test_anchor_layout() -> None:
    assert ANCHORS.shape == (896, 2)
    assert ANCHORS[0].tolist() == pytest.approx([1 / 32, 1 / 32]) and ANCHORS[-1].tolist() == pytest.approx(
        [15 / 16] * 2
    )


def test_the_astronauts_face(detector: FaceDetector) -> None:
    faces = detector.detect(realdata.astronaut())
    assert len(faces) == 1 and faces.scores[0] > 0.8
    x1, y1, x2, y2 = faces.boxes[0]
    assert 165 < x1 < 195 and 65 < y1 < 100 and 255 < x2 < 290 and 160 < y2 < 195


def test_recall_and_false_alarms_on_lfw(detector: FaceDetector) -> None:
    faces, others = realdata.lfw()
    found = sum(len(detector.detect(p)) > 0 for p in faces)
    false = sum(len(detector.detect(p)) > 0 for p in others)
    assert found >= 97, found  # measured 100 / 100
    assert false <= 20, false  # measured 12 / 100 (the non-faces are face-sized crops of other things)
