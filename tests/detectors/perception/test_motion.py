"""Motion: moving objects become blobs; lighting changes and sensor noise do not."""

import numpy as np

from detectors.perception.motion import MotionDetector, MotionReport
from tests.detectors import scenes


def feed(detector: MotionDetector, frames: list[scenes.Image]) -> list[MotionReport]:
    return [detector.observe(scenes.roundtrip(f)) for f in frames]


def settled(detector: MotionDetector, n: int = 10) -> None:
    feed(detector, [scenes.kitchen(seed=i) for i in range(n)])


def test_a_moving_person_is_found_where_it_is() -> None:
    det = MotionDetector()
    settled(det)
    reports = feed(det, [scenes.with_person(scenes.kitchen(seed=100 + i), x=100 + 20 * i) for i in range(6)])
    for i, r in enumerate(reports):
        assert len(r.detections) >= 1, f"frame {i}: nothing found"
        big = r.detections[np.argsort(-r.detections.areas)[:1]]
        x1, y1, x2, y2 = big.boxes[0]
        person_x = 100 + 20 * i
        assert x1 <= person_x + 10 and x2 >= person_x + 40, (i, big.boxes[0])
        assert y1 <= 140 and y2 >= 280, (i, big.boxes[0])  # head to feet, in full-size pixels
        assert set(r.detections.labels) == {"motion"}


def test_static_scene_with_sensor_noise_has_no_motion() -> None:
    det = MotionDetector()
    reports = feed(det, [scenes.kitchen(seed=i) for i in range(20)])
    assert reports[0].learning
    assert all(len(r.detections) == 0 for r in reports)


def test_lights_switching_is_not_motion_and_is_relearnt() -> None:
    det = MotionDetector()
    settled(det)
    step = feed(det, [scenes.dark(seed=50)])[0]  # lights off: a global brightness step
    assert step.lighting_change and len(step.detections) == 0
    after = feed(det, [scenes.dark(seed=51 + i) for i in range(5)])
    assert all(len(r.detections) == 0 for r in after)
    back_on = feed(det, [scenes.kitchen(seed=60)])[0]
    assert back_on.lighting_change and len(back_on.detections) == 0


def test_a_moderate_exposure_drift_is_not_motion() -> None:
    det = MotionDetector()
    settled(det)
    brighter = [np.clip(scenes.kitchen(seed=70 + i).astype(np.float32) * (1 + 0.03 * i), 0, 255) for i in range(6)]
    reports = feed(det, [b.astype(np.uint8) for b in brighter])
    assert all(len(r.detections) == 0 for r in reports)


def test_tiny_blobs_are_ignored() -> None:
    det = MotionDetector()
    settled(det)
    reports = []
    for i in range(4):
        img = scenes.kitchen(seed=80 + i)
        img[200 + i : 203 + i, 300:303] = 0  # a 3x3 speck, like a fly or a hot pixel
        reports.extend(feed(det, [img]))
    assert all(len(r.detections) == 0 for r in reports)


def test_reset_forgets_the_background() -> None:
    det = MotionDetector()
    settled(det)
    det.reset()
    assert feed(det, [scenes.with_person(scenes.kitchen(seed=90), x=300)])[0].learning


def test_a_walking_person_moves_and_the_ghost_they_leave_does_not() -> None:
    """A person stands still long enough to be learnt into the background, then walks off: the
    place they left is a blob for a moment (a ghost), and nothing in it moves."""
    det = MotionDetector()
    settled(det)
    walking = feed(det, [scenes.with_person(scenes.kitchen(seed=200 + i), x=100 + 20 * i) for i in range(4)])
    assert all(len(r.moving) == len(r.detections) for r in walking)
    assert max(walking[-1].moving) > 0.3  # the walker
    feed(det, [scenes.with_person(scenes.kitchen(seed=300 + i), x=180) for i in range(200)])  # stands
    left = feed(det, [scenes.with_person(scenes.kitchen(seed=500 + i), x=500 + 20 * i) for i in range(3)])[-1]
    ghost = [m for b, m in zip(left.detections.boxes, left.moving, strict=True) if b[0] < 230 and b[2] > 180]
    walker = [m for b, m in zip(left.detections.boxes, left.moving, strict=True) if b[2] > 540]
    assert ghost and max(ghost) < 0.1, (left.detections.boxes, left.moving)
    assert walker and max(walker) > 0.3
