"""Detections validate their shapes, filter with masks, and zones select them."""

import numpy as np
import pytest

from core.site import Zone
from detectors.detections import Detections, PixelZone
from detectors.errors import DetectorError


def three() -> Detections:
    return Detections(
        np.array([[0, 0, 10, 40], [100, 100, 120, 180], [300, 50, 400, 60]], float),
        np.array([0.9, 0.5, 0.2]),
        np.array(["person", "person", "motion"]),
    )


@pytest.mark.parametrize(
    ("boxes", "scores", "labels", "message"),
    [
        (np.zeros((2, 3)), np.zeros(2), ["a", "b"], r"boxes must have shape \(N, 4\), got \(2, 3\)"),
        (np.zeros((2, 4)), np.zeros(3), ["a", "b"], r"scores must have shape \(2,\), got \(3,\)"),
        (np.zeros((2, 4)), np.zeros(2), ["a"], r"labels must have shape \(2,\), got \(1,\)"),
        (np.array([[5, 0, 1, 1]]), np.zeros(1), ["a"], "x2 >= x1"),
        (np.zeros((1, 4)), np.array([1.5]), ["a"], "scores must be in 0..1"),
    ],
)
def test_invalid_detections_name_expected_and_actual(
    boxes: np.ndarray, scores: np.ndarray, labels: list[str], message: str
) -> None:
    with pytest.raises(DetectorError, match=message):
        Detections(boxes, scores, np.array(labels))


def test_masks_compose_and_arrays_are_read_only() -> None:
    dets = three()
    people = dets[dets.labels == "person"]
    tall = people[people.heights >= 50]
    assert len(people) == 2 and len(tall) == 1
    assert tall.boxes.tolist() == [[100, 100, 120, 180]]
    with pytest.raises(ValueError):
        dets.boxes[0, 0] = 1
    with pytest.raises(DetectorError, match=r"mask must have shape \(3,\)"):
        dets[np.array([True, False])]


def test_selections_share_what_they_can_and_stay_read_only() -> None:
    dets = three()
    assert dets[np.ones(3, bool)] is dets  # everything selected: the same read-only rows
    none = dets[np.zeros(3, bool)]
    assert len(none) == 0 and none.boxes.shape == (0, 4) and none.anchors().shape == (0, 2)
    picked = dets[np.array([2, 0])]
    assert picked.labels.tolist() == ["motion", "person"] and picked.scores.tolist() == [0.2, 0.9]
    with pytest.raises(ValueError):
        picked.scores[0] = 1.0


def test_empty_and_of() -> None:
    assert len(Detections.empty()) == 0 and Detections.empty().anchors().shape == (0, 2)
    dets = Detections.of([[1, 2, 3, 4]], [0.5], "motion")
    assert dets.labels.tolist() == ["motion"]
    assert [b.label for b in dets.to_boxes()] == ["motion"]


def test_to_boxes_keeps_the_best_first() -> None:
    boxes = three().to_boxes(limit=2)
    assert [b.score for b in boxes] == [0.9, 0.5]


def test_zone_maps_normalised_polygon_and_tests_anchors() -> None:
    zone = PixelZone.from_zone(
        Zone(id="floor", kind="floor", polygon=[(0, 0.5), (0.5, 0.5), (0.5, 1), (0, 1)]), 640, 360
    )
    assert zone.polygon.tolist() == [[0, 180], [320, 180], [320, 360], [0, 360]]
    dets = three()
    # bottom centres: (5, 40) out, (110, 180) on the top edge, (350, 60) out
    assert zone.trigger(dets).tolist() == [False, True, False]
    # centres: (5, 20), (110, 140), (350, 55): all out
    assert zone.trigger(dets, "center").tolist() == [False, False, False]
    assert len(dets[zone.trigger(dets)]) == 1


def test_zone_handles_concave_polygons() -> None:
    u_shape = Zone(
        id="u", kind="other", polygon=[(0, 0), (1, 0), (1, 1), (0.6, 1), (0.6, 0.3), (0.4, 0.3), (0.4, 1), (0, 1)]
    )
    zone = PixelZone.from_zone(u_shape, 100, 100)
    inside = zone.contains(np.array([[10, 90], [50, 90], [90, 90], [50, 10]], float))
    assert inside.tolist() == [True, False, True, True]


def test_zone_containment_is_the_even_odd_rule_with_flat_edges_and_points_on_the_grid() -> None:
    rng = np.random.default_rng(3)
    for k in range(60):
        polygon = np.round(rng.random((int(rng.integers(3, 9)), 2)) * 10) * 10  # flat edges, shared rows
        points = np.round(rng.random((200, 2)) * 10) * 10 if k % 2 else rng.random((200, 2)) * 100
        zone = PixelZone("z", "other", polygon)
        expected = []
        for px, py in points:  # crossings of a ray to the left of the point, edge by edge
            crossings = 0
            for (x1, y1), (x2, y2) in zip(polygon, np.roll(polygon, -1, axis=0), strict=True):
                if (y1 > py) != (y2 > py) and px < x1 + (py - y1) * (x2 - x1) / (y2 - y1):
                    crossings += 1
            expected.append(crossings % 2 == 1)
        assert zone.contains(points).tolist() == expected
