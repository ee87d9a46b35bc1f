"""Bring-your-own YOLO-style ONNX detectors, configured per site, mapped onto violation types.

A site with a trained PPE / smoking / phone / rodent model lists it like this (YAML)::

    models:
      - name: ppe-v3
        path: /srv/bk-models/ppe-v3.onnx
        sha256: 9f2c...        # checked at load; a mismatch stops start-up
        layout: v8             # v5: (1, N, 5+C) rows; v8: (1, 4+C, N) columns
        input_size: 640        # or [width, height]
        classes: [person, cigarette, phone, bare_hand, rat]
        map: {cigarette: smoking, phone: phone_use, bare_hand: no_gloves, rat: rodent}

:class:`CustomModelConfig` depends on pydantic and the catalog only, so it can move into
``core.site`` unchanged when the site carries it.
"""


import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.site import CustomModelConfig
from detectors.detections import Detections
from detectors.errors import DetectorError
from detectors.models.runner import OnnxRunner
from detectors.models.store import verified
from detectors.models.yolo import letterbox, postprocess


class CustomModelsFile(BaseModel):
    """A YAML/JSON file of models, for deployments (and tests) before the site carries them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    models: list[CustomModelConfig] = Field(default_factory=list)

    @field_validator("models")
    @classmethod
    def _unique(cls, v: list[CustomModelConfig]) -> list[CustomModelConfig]:
        names = [m.name for m in v]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"model name(s) {dup} used twice")
        return v


class CustomDetector:
    """Runs one configured model; ``detect(image)`` gives its detections labelled by class name."""

    def __init__(self, config: CustomModelConfig) -> None:
        self.config = config
        path = verified(config.path, config.sha256, f"model {config.name!r}")
        self._runner = OnnxRunner(path, config.backend)
        declared = self._runner.static_size()
        if declared is not None and declared != config.size:
            raise DetectorError(
                f"model {config.name!r}: input_size {config.size} does not match the file's input {declared}"
            )
        self._names = np.array(config.classes, dtype=np.str_)

    def detect(self, image: np.ndarray) -> Detections:
        cfg = self.config
        tensor, box = letterbox(image, cfg.size, pad=cfg.pad, rgb=cfg.rgb, scale=cfg.scale)
        raw = self._runner.run(tensor)
        boxes, scores, ids = postprocess(
            raw, cfg.layout, box, cfg.size, len(cfg.classes), min_score=cfg.min_score, iou=cfg.nms_iou
        )
        if not len(boxes):
            return Detections.empty()
        return Detections(boxes.astype(np.float64), scores.astype(np.float64), self._names[ids])
