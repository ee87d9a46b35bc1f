"""Faces from Google MediaPipe's BlazeFace (short range, 128×128) through ``cv2.dnn``.

The TFLite graph ends before the detection post-processing, so the 896 SSD anchors (strides 8 and
16, 2 and 6 anchors per cell) are decoded here: centre = raw / 128 + anchor, size = raw / 128,
score = sigmoid(logit). Short range suits faces that fill a good part of the input, which is
what a person's head crop gives; pass crops, not a whole wide kitchen view.
"""

import threading

import cv2
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from detectors.detections import Detections
from detectors.errors import DetectorError
from detectors.models.manifest import BLAZEFACE_SHORT
from detectors.models.store import model_path
from detectors.models.yolo import nms
from detectors.perception.base import Image

SIZE = 128


def _anchors() -> NDArray[np.float32]:
    rows = []
    for stride, per_cell in ((8, 2), (16, 6)):
        cells = SIZE // stride
        ys, xs = np.mgrid[0:cells, 0:cells]
        centres = np.stack([(xs.ravel() + 0.5) / cells, (ys.ravel() + 0.5) / cells], axis=1)
        rows.append(np.repeat(centres, per_cell, axis=0))
    return np.concatenate(rows).astype(np.float32)


ANCHORS = _anchors()  # (896, 2), normalised centres


class FaceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_score: float = Field(default=0.5, gt=0, lt=1, description="Lowest face score kept.")
    nms_iou: float = Field(default=0.3, gt=0, le=1, description="Overlap above which the weaker face is dropped.")


class FaceDetector:
    """BlazeFace short range: BGR picture (best a head-and-shoulders crop) in, ``face`` boxes out."""

    def __init__(self, config: FaceConfig | None = None) -> None:
        self.config = config or FaceConfig()
        path = model_path(BLAZEFACE_SHORT)
        try:
            self._net = cv2.dnn.readNetFromTFLite(str(path))
        except cv2.error as exc:
            raise DetectorError(f"face: cannot load {path}: {exc}") from exc
        self._outputs = list(self._net.getUnconnectedOutLayersNames())
        self._lock = threading.Lock()  # a cv2.dnn net must not run on two threads at once

    def detect(self, image: Image) -> Detections:
        if image.ndim != 3 or image.shape[2] != 3 or image.size == 0:
            raise DetectorError(f"face: expected a non-empty (H, W, 3) BGR picture, got shape {image.shape}")
        h, w = image.shape[:2]
        side = max(h, w)
        canvas = np.zeros((side, side, 3), np.uint8)  # pad to a square, top-left, keeping the aspect
        canvas[:h, :w] = image
        blob = cv2.dnn.blobFromImage(canvas, 1 / 127.5, (SIZE, SIZE), (127.5, 127.5, 127.5), swapRB=True)
        with self._lock:
            self._net.setInput(blob)
            outs = self._net.forward(self._outputs)
        by_width = {o.shape[-1]: o for o in outs}
        if set(by_width) != {1, 16}:
            raise DetectorError(f"face: unexpected BlazeFace outputs {[o.shape for o in outs]}")
        logits = by_width[1].reshape(-1).astype(np.float64)
        reg = by_width[16].reshape(-1, 16).astype(np.float32)
        scores = 1.0 / (1.0 + np.exp(-np.clip(logits, -80, 80)))
        keep = scores >= self.config.min_score
        if not np.any(keep):
            return Detections.empty()
        centres = reg[keep, :2] / SIZE + ANCHORS[keep]
        sizes = reg[keep, 2:4] / SIZE
        boxes = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1) * side
        boxes[:, [0, 2]] = np.clip(boxes[:, [0, 2]], 0, w)
        boxes[:, [1, 3]] = np.clip(boxes[:, [1, 3]], 0, h)
        sc = scores[keep].astype(np.float32)
        kept = nms(boxes.astype(np.float32), sc, np.zeros(len(sc), np.intp), self.config.nms_iou)
        return Detections.of(boxes[kept], sc[kept], "face")
