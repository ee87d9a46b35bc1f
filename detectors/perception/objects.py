"""Objects a kitchen camera cares about (people first), from YOLOX-Nano on the CPU.

The stock YOLOX-Nano COCO model (Megvii, Apache-2.0) runs through onnxruntime on a letterbox with
the long side at 416 (top-left, grey 114 fill, BGR 0-255, no normalisation) and the short side cut
to what the picture needs (416x256 for 16:9, 42 % less work than the exported 416x416); see
:mod:`detectors.models.yolo` for the decode. Labels are COCO names. Pure: ``detect(image) -> Detections``, no memory.
"""

import math

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
INPUT_SIZE = (416, 416)  # as exported and trained
PERSON = COCO_NAMES.index("person")
STRIDE = 32  # the coarsest output's stride: input sides are multiples of it


def input_size(width: int, height: int) -> tuple[int, int]:
    """The (w, h) YOLOX runs a ``width`` x ``height`` picture at: the long side at 416 as trained,
    the short side just large enough, to a multiple of the 32-pixel stride (640x360: 416x256).
    The network is fully convolutional, so the letterbox's padding need not be computed."""
    scale = INPUT_SIZE[0] / max(width, height, 1)
    short = min(INPUT_SIZE[0], STRIDE * math.ceil(min(width, height) * scale / STRIDE))
    return (INPUT_SIZE[0], short) if width >= height else (short, INPUT_SIZE[0])


class ObjectsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_score: float = Field(
        default=0.25, ge=0.01, le=1, description="Lowest score kept; rules apply their own, higher thresholds."
    )
    nms_iou: float = Field(default=0.45, gt=0, le=1, description="Overlap above which the weaker box is dropped.")
    classes: tuple[str, ...] = Field(default=KITCHEN_CLASSES, description="COCO class names reported.")
    threads: int = Field(
        default=1,
        ge=1,
        le=16,
        description="onnxruntime intra-op threads. 1: a detector process scales by processes, and a second "
        "thread made a YOLOX-Nano run cost 11 ms of CPU instead of 7 here, for no shorter wall time.",
    )


class ObjectDetector:
    """YOLOX-Nano: BGR picture in, kitchen-relevant COCO detections out (pixels of the picture)."""

    def __init__(self, config: ObjectsConfig | None = None) -> None:
        self.config = cfg = config or ObjectsConfig()
        unknown = sorted(set(cfg.classes) - set(COCO_NAMES))
        if unknown:
            raise DetectorError(f"objects: unknown COCO class(es) {unknown}")
        self._path = model_path(YOLOX_NANO)
        self._runners: dict[tuple[int, int], OnnxRunner] = {
            INPUT_SIZE: OnnxRunner(self._path, "onnxruntime", cfg.threads)
        }
        self._wanted = np.array([name in cfg.classes for name in COCO_NAMES])
        self._names = np.array(COCO_NAMES, dtype=np.str_)

    def detect(self, image: Image, person_floor: float | None = None) -> Detections:
        """Objects scored at least ``min_score``; with ``person_floor`` (lower), persons down to it
        too, for a tracker to continue the persons it knows with (ByteTrack's low-score boxes)."""
        if image.ndim != 3 or image.shape[2] != 3 or image.size == 0:
            raise DetectorError(f"objects: expected a non-empty (H, W, 3) BGR picture, got shape {image.shape}")
        size = input_size(image.shape[1], image.shape[0])
        runner = self._runners.get(size)
        if runner is None:
            runner = self._runners[size] = OnnxRunner(
                self._path, "onnxruntime", self.config.threads, (size[1], size[0])
            )
        tensor, box = letterbox(image, size, pad="top_left", fill=114)
        raw = runner.run(tensor)
        floor = self.config.min_score if person_floor is None else min(person_floor, self.config.min_score)
        boxes, scores, ids = postprocess(
            raw, "yolox", box, size, len(COCO_NAMES), min_score=floor, iou=self.config.nms_iou
        )
        keep = self._wanted[ids] & ((scores >= self.config.min_score) | (ids == PERSON))
        if not np.any(keep):
            return Detections.empty()
        return Detections(boxes[keep].astype(np.float64), scores[keep].astype(np.float64), self._names[ids[keep]])
