"""Letterbox, decode of the three YOLO layouts, and NMS on hand-made numbers."""

import numpy as np
import pytest

from detectors.errors import DetectorError
from detectors.models.yolo import Letterbox, decode, letterbox, nms, postprocess


@pytest.mark.parametrize(
    ("pad", "shape", "ratio", "offset"),
    [
        ("top_left", (360, 640), 0.65, (0, 0)),
        ("center", (360, 640), 0.65, (0, 91)),
        ("center", (640, 320), 0.65, (104, 0)),
    ],
)
def test_letterbox_fits_keeping_aspect(pad: str, shape: tuple[int, int], ratio: float, offset: tuple[int, int]) -> None:
    img = np.full((*shape, 3), 200, np.uint8)
    tensor, box = letterbox(img, (416, 416), pad=pad)  # type: ignore[arg-type]
    assert tensor.shape == (1, 3, 416, 416) and tensor.dtype == np.float32
    assert box.ratio == pytest.approx(ratio) and (box.dx, box.dy) == offset
    dx, dy = offset
    assert tensor[0, 0, dy + 1, dx + 1] == 200 and tensor[0, 0, 415, 415] in (114, 200)


def test_boxes_map_back_to_the_original_and_clip() -> None:
    box = Letterbox(ratio=0.5, dx=0, dy=70, width=640, height=360)
    out = box.to_original(np.array([[10, 80, 50, 120], [-5, 60, 400, 300]], np.float32))
    assert out.tolist() == [[20, 20, 100, 100], [0, 0, 640, 360]]


def test_yolox_grid_decode_puts_a_cell_where_it_belongs() -> None:
    raw = np.zeros((1, 3549, 85), np.float32)
    # Cell (x=10, y=5) of stride 8 is row 5 * 52 + 10; offset 0.5 → centre (84, 44); wh exp(0)*8.
    raw[0, 5 * 52 + 10, :4] = [0.5, 0.5, 0.0, np.log(4.0)]
    raw[0, 5 * 52 + 10, 4] = 0.8
    raw[0, 5 * 52 + 10, 5 + 67] = 0.9  # cell phone
    boxes, scores, ids = decode(raw, "yolox", (416, 416), 80)
    i = int(np.argmax(scores))
    assert ids[i] == 67 and scores[i] == pytest.approx(0.72)
    assert boxes[i].tolist() == pytest.approx([80, 28, 88, 60])


def test_v5_and_v8_layouts_give_the_same_detections() -> None:
    rows = np.array([[100, 100, 20, 40, 0.9, 0.1, 0.8], [300, 50, 10, 10, 1.0, 0.7, 0.2]], np.float32)
    b5, s5, c5 = decode(rows[None], "v5", (640, 640), 2)
    v8 = np.concatenate([rows[:, :4], rows[:, 5:] * rows[:, 4:5]], axis=1).T[None]
    b8, s8, c8 = decode(v8, "v8", (640, 640), 2)
    assert np.allclose(b5, b8) and np.allclose(s5, s8) and (c5 == c8).all()
    assert b5[0].tolist() == [90, 80, 110, 120] and c5.tolist() == [1, 0]


def test_wrong_output_shape_names_expected_and_actual() -> None:
    with pytest.raises(DetectorError, match=r"expected \(1, N, 7\), got \(1, 4, 6\)"):
        decode(np.zeros((1, 4, 6), np.float32), "v5", (640, 640), 2)


def test_nms_is_per_class() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [0, 0, 10, 10], [50, 50, 60, 60]], np.float32)
    scores = np.array([0.9, 0.8, 0.7, 0.6], np.float32)
    classes = np.array([0, 0, 1, 0], np.intp)
    assert nms(boxes, scores, classes, 0.5).tolist() == [0, 2, 3]


def test_postprocess_thresholds_then_suppresses() -> None:
    rows = np.array([[100, 100, 20, 20, 0.9, 1.0], [101, 101, 20, 20, 0.8, 1.0], [10, 10, 4, 4, 0.2, 1.0]], np.float32)
    box = Letterbox(1.0, 0, 0, 640, 640)
    boxes, scores, _ = postprocess(rows[None], "v5", box, (640, 640), 1, min_score=0.3, iou=0.5)
    assert len(boxes) == 1 and scores[0] == pytest.approx(0.9)
