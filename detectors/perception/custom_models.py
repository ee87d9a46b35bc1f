"""The ``custom_models`` perception plugin: the site's own ONNX detectors (bring your own model).

Which models run comes from configuration: for now the file named by ``BK_CUSTOM_MODELS_FILE``
(YAML or JSON, see :class:`detectors.models.custom.CustomModelsFile`); without one the plugin
runs nothing and reports nothing. Rules read detections by violation type through the models'
class maps (``cigarette → smoking``).
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from pydantic import ValidationError

from core.site import CustomModelConfig
from detectors.detections import Detections
from detectors.errors import DetectorError
from detectors.models.custom import CustomDetector, CustomModelsFile
from detectors.perception.base import Perceiver, Pixels, pixels

ENV_FILE = "BK_CUSTOM_MODELS_FILE"


@dataclass(frozen=True, eq=False)
class CustomModelsReport:
    """Per violation key, the detections of the classes mapped onto it (labels: class names)."""

    violations: dict[str, Detections] = field(default_factory=dict)

    def of(self, violation: str) -> Detections:
        return self.violations.get(violation, Detections.empty())


def load_models_file(path: Path) -> list[CustomModelConfig]:
    """The models of a YAML/JSON file; DetectorError naming the file and the wrong field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return CustomModelsFile.model_validate(raw or {}).models
    except OSError as exc:
        raise DetectorError(f"{path}: cannot read custom models file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise DetectorError(f"{path}: not valid YAML ({exc})") from exc
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])
        raise DetectorError(f"{path}: {where}") from exc


def configured_models() -> list[CustomModelConfig]:
    env = os.environ.get(ENV_FILE)
    return load_models_file(Path(env)) if env else []


class CustomModels(Perceiver):
    key = "custom_models"

    def __init__(self, models: list[CustomModelConfig] | None = None) -> None:
        configs = configured_models() if models is None else models
        self.detectors = [CustomDetector(c) for c in configs]

    def reset(self) -> None:
        pass

    def observe(self, image: Pixels) -> CustomModelsReport:
        found: dict[str, list[Detections]] = {}
        for det in self.detectors:
            dets = det.detect(pixels(image))  # decoded once, for the first
            for cls, violation in det.config.map.items():
                hits = dets[dets.labels == cls]
                if len(hits):
                    found.setdefault(violation, []).append(hits)
        return CustomModelsReport({k: _concat(v) for k, v in found.items()})


def _concat(parts: list[Detections]) -> Detections:
    if len(parts) == 1:
        return parts[0]
    return Detections(
        np.concatenate([p.boxes for p in parts]),
        np.concatenate([p.scores for p in parts]),
        np.concatenate([p.labels for p in parts]),
    )
