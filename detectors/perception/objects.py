"""Objects a kitchen camera cares about (people first), from YOLOX-Nano on the CPU.

The stock YOLOX-Nano COCO model (Megvii, Apache-2.0) runs through onnxruntime on a 416×416
letterbox (top-left, grey 114 fill, BGR 0-255, no normalisation); see :mod:`detectors.models.yolo`
for the decode. Labels are COCO names. Pure: ``detect(image) -> Detections``, no memory.
"""

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from detectors.detections import Detections
from detectors.errors import DetectorError
from detectors.models.manifest import YOLOX_NANO
from detectors.models.runner import OnnxRunner
from detectors.models.store import model_path
from detectors.models.yolo import COCO_NAMES, letterbox, postprocess
from detectors.perception.base import Image

# COCO classes that mean something in a school kitchen; the rest (cars, giraffes) are dropped.
KITCHEN_CLASSES: tuple[str, ...] = (
    "person", "cat", "dog", "bird", "mouse", "cell phone", "knife", "scissors", "fork", "spoon",
    "cup", "bottle", "wine glass", "bowl", "backpack", "handbag", "umbrella", "chair", "dining table",
    "oven", "microwave", "toaster", "sink", "refrigerator", "laptop", "tv", "book", "clock",
)  # fmt: skip
INPUT_SIZE = (416, 416)


class ObjectsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_score: float = Field(
        default=0.25, ge=0.01, le=1, description="Lowest score kept; rules apply their own, higher thresholds."
    )
    nms_iou: float = Field(default=0.45, gt=0, le=1, description="Overlap above which the weaker box is dropped.")
    classes: tuple[str, ...] = Field(default=KITCHEN_CLASSES, description="COCO class names reported.")
    threads: int = Field(default=2, ge=1, le=16, description="onnxruntime intra-op threads.")


class ObjectDetector:
    """YOLOX-Nano: BGR picture in, kitchen-relevant COCO detections out (pixels of the picture)."""

    def __init__(self, config: ObjectsConfig | None = None) -> None:
        self.config = cfg = config or ObjectsConfig()
        unknown = sorted(set(cfg.classes) - set(COCO_NAMES))
        if unknown:
            raise DetectorError(f"objects: unknown COCO class(es) {unknown}")
        self._runner = OnnxRunner(model_path(YOLOX_NANO), "onnxruntime", cfg.threads)
        self._wanted = np.array([name in cfg.classes for name in COCO_NAMES])
        self._names = np.array(COCO_NAMES, dtype=np.str_)

    def detect(self, image: Image) -> Detections:
        if image.ndim != 3 or image.shape[2] != 3 or image.size == 0:
            raise DetectorError(f"objects: expected a non-empty (H, W, 3) BGR picture, got shape {image.shape}")
        tensor, box = letterbox(image, INPUT_SIZE, pad="top_left", fill=114)
        raw = self._runner.run(tensor)
        boxes, scores, ids = postprocess(
            raw, "yolox", box, INPUT_SIZE, len(COCO_NAMES), min_score=self.config.min_score, iou=self.config.nms_iou
        )
        keep = self._wanted[ids]
        if not np.any(keep):
            return Detections.empty()
        return Detections(boxes[keep].astype(np.float64), scores[keep].astype(np.float64), self._names[ids[keep]])
