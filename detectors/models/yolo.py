"""Pre- and post-processing shared by YOLO-style detectors: letterbox, output decoding, NMS.

Three output layouts are decoded:

- ``yolox``: raw grid outputs (N, 5+C) over strides 8/16/32; xy = (o + grid) × stride,
  wh = exp(o) × stride, score = objectness × class (the stock YOLOX export, no decode in graph).
- ``v5``: decoded rows (N, 5+C) of cx, cy, w, h in input pixels, objectness, class scores.
- ``v8``: decoded columns (4+C, N) of cx, cy, w, h, class scores (no objectness).

Boxes come back in pixels of the original picture (letterbox offset and scale undone, clipped).
"""

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from detectors.errors import DetectorError

Layout = Literal["yolox", "v5", "v8"]
Pad = Literal["top_left", "center"]
F32 = NDArray[np.float32]

COCO_NAMES: tuple[str, ...] = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
    "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
    "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
    "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
    "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
    "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
    "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard",
    "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase",
    "scissors", "teddy bear", "hair drier", "toothbrush",
)  # fmt: skip


@dataclass(frozen=True)
class Letterbox:
    """How a picture was fitted into the network input: scale, then offset (in input pixels)."""

    ratio: float
    dx: float
    dy: float
    width: int  # of the original picture
    height: int

    def to_original(self, boxes: F32) -> F32:
        """Input-pixel boxes (x1, y1, x2, y2) → original-picture pixels, clipped to the picture."""
        out = boxes.copy()
        out[:, [0, 2]] = (out[:, [0, 2]] - self.dx) / self.ratio
        out[:, [1, 3]] = (out[:, [1, 3]] - self.dy) / self.ratio
        out[:, [0, 2]] = np.clip(out[:, [0, 2]], 0, self.width)
        out[:, [1, 3]] = np.clip(out[:, [1, 3]], 0, self.height)
        return out


def letterbox(
    image: NDArray[np.uint8],
    size: tuple[int, int],
    *,
    pad: Pad = "top_left",
    fill: int = 114,
    rgb: bool = False,
    scale: float = 1.0,
) -> tuple[F32, Letterbox]:
    """The picture resized keeping its aspect into ``size`` (w, h) on a ``fill`` canvas, as a
    1×3×H×W float32 tensor (channel order BGR unless ``rgb``, values × ``scale``)."""
    if image.ndim != 3 or image.shape[2] != 3:
        raise DetectorError(f"letterbox: expected an (H, W, 3) BGR picture, got shape {image.shape}")
    h, w = image.shape[:2]
    tw, th = size
    r = min(tw / w, th / h)
    nw, nh = max(1, round(w * r)), max(1, round(h * r))
    dx, dy = ((tw - nw) // 2, (th - nh) // 2) if pad == "center" else (0, 0)
    canvas = np.full((th, tw, 3), fill, np.uint8)
    interp = cv2.INTER_AREA if r < 1 else cv2.INTER_LINEAR
    canvas[dy : dy + nh, dx : dx + nw] = cv2.resize(image, (nw, nh), interpolation=interp)
    if rgb:
        canvas = canvas[:, :, ::-1]
    tensor = np.ascontiguousarray(canvas.transpose(2, 0, 1)[None], dtype=np.float32)
    if scale != 1.0:
        tensor *= np.float32(scale)
    return tensor, Letterbox(r, float(dx), float(dy), w, h)


def _grid(width: int, height: int, strides: tuple[int, ...]) -> tuple[F32, F32]:
    grids, steps = [], []
    for s in strides:
        gy, gx = np.mgrid[0 : height // s, 0 : width // s]
        grids.append(np.stack([gx.ravel(), gy.ravel()], axis=1))
        steps.append(np.full((gx.size, 1), s))
    return np.concatenate(grids).astype(np.float32), np.concatenate(steps).astype(np.float32)


def _xywh_to_xyxy(xy: F32, wh: F32) -> F32:
    return np.concatenate([xy - wh / 2, xy + wh / 2], axis=1).astype(np.float32)


Decoded = tuple[F32, F32, NDArray[np.intp]]  # boxes (input pixels), scores, class ids


def decode(raw: NDArray[np.float32], layout: Layout, input_size: tuple[int, int], num_classes: int) -> Decoded:
    """Every candidate of one picture's raw output: boxes in input pixels, best class and its score."""
    out = np.asarray(raw, dtype=np.float32)
    if out.ndim == 3:
        if out.shape[0] != 1:
            raise DetectorError(f"{layout} output: expected batch 1, got shape {out.shape}")
        out = out[0]
    if layout == "v8":
        if out.ndim != 2 or out.shape[0] != 4 + num_classes:
            raise DetectorError(f"v8 output: expected (1, {4 + num_classes}, N), got {np.shape(raw)}")
        out = out.T
        boxes = _xywh_to_xyxy(out[:, :2], out[:, 2:4])
        cls = out[:, 4:]
    else:
        if out.ndim != 2 or out.shape[1] != 5 + num_classes:
            raise DetectorError(f"{layout} output: expected (1, N, {5 + num_classes}), got {np.shape(raw)}")
        if layout == "yolox":
            grid, stride = _grid(input_size[0], input_size[1], (8, 16, 32))
            if grid.shape[0] != out.shape[0]:
                raise DetectorError(
                    f"yolox output: {out.shape[0]} rows do not match a {input_size} input ({grid.shape[0]} cells)"
                )
            boxes = _xywh_to_xyxy((out[:, :2] + grid) * stride, np.exp(np.minimum(out[:, 2:4], 20.0)) * stride)
        else:
            boxes = _xywh_to_xyxy(out[:, :2], out[:, 2:4])
        cls = out[:, 5:] * out[:, 4:5]
    ids = np.argmax(cls, axis=1) if cls.shape[1] else np.zeros(len(cls), np.intp)
    scores = cls[np.arange(len(cls)), ids] if cls.shape[1] else np.zeros(len(cls), np.float32)
    return boxes, scores.astype(np.float32), ids.astype(np.intp)


def nms(boxes: F32, scores: F32, classes: NDArray[np.intp], iou: float, limit: int = 300) -> NDArray[np.intp]:
    """Indices kept by per-class non-maximum suppression, best first."""
    if len(boxes) == 0:
        return np.zeros(0, np.intp)
    # Offsetting each class far apart makes one pass class-aware.
    shift = (classes.astype(np.float32) * (float(boxes.max()) + 1.0))[:, None]
    b = boxes + shift
    x1, y1, x2, y2 = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    areas = np.maximum(0, x2 - x1) * np.maximum(0, y2 - y1)
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    while order.size and len(keep) < limit:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        w = np.maximum(0, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]))
        h = np.maximum(0, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]))
        inter = w * h
        overlap = inter / np.maximum(areas[i] + areas[rest] - inter, 1e-9)
        order = rest[overlap <= iou]
    return np.array(keep, np.intp)


def postprocess(
    raw: NDArray[np.float32],
    layout: Layout,
    box: Letterbox,
    input_size: tuple[int, int],
    num_classes: int,
    *,
    min_score: float,
    iou: float,
) -> Decoded:
    """Decode, drop candidates under ``min_score``, NMS, and map boxes back to the picture."""
    boxes, scores, ids = decode(raw, layout, input_size, num_classes)
    k = scores >= min_score
    boxes, scores, ids = boxes[k], scores[k], ids[k]
    keep = nms(boxes, scores, ids, iou)
    return box.to_original(boxes[keep]), np.clip(scores[keep], 0.0, 1.0), ids[keep]
