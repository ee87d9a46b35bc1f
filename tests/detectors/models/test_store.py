"""Model files are checked by SHA-256 at load; the fetcher is quick and idempotent when they exist."""

import hashlib
import sys
import time
from pathlib import Path

import pytest

from detectors.models import store
from detectors.models.manifest import FILES, YOLOX_NANO, notice_name
from detectors.models.store import ModelFileError, model_path, models_dir, verified

ROOT = Path(__file__).resolve().parents[3]


def test_a_missing_file_says_how_to_fetch_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.ENV_DIR, str(tmp_path))
    assert models_dir() == tmp_path
    with pytest.raises(ModelFileError, match=r"yolox_nano.onnx is missing; run `python scripts/fetch_models.py`"):
        model_path(YOLOX_NANO)


def test_a_changed_file_is_a_start_up_error_naming_both_hashes(tmp_path: Path) -> None:
    path = tmp_path / "m.onnx"
    path.write_bytes(b"not the model")
    actual = hashlib.sha256(b"not the model").hexdigest()
    with pytest.raises(ModelFileError, match=f"has SHA-256 {actual}, expected {'0' * 64}"):
        verified(path, "0" * 64, "model 'x'")
    assert verified(path, actual.upper(), "model 'x'") == path


def test_the_fetched_models_verify_and_carry_their_licence_notice() -> None:
    for file in FILES:
        if file.group == "models":
            path = model_path(file)
            notice = (path.parent / notice_name(file)).read_text(encoding="utf-8")
            assert file.sha256 in notice and "Apache License" in notice
    yolox = (models_dir() / notice_name(YOLOX_NANO)).read_text(encoding="utf-8")
    assert "Megvii" in yolox and "neither installed nor imported" in yolox


def test_fetch_is_quick_when_every_file_is_present() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import fetch_models
    finally:
        sys.path.pop(0)
    t0 = time.perf_counter()
    assert fetch_models.fetch(models_dir(), [f for f in FILES if f.group == "models"]) == []
    assert time.perf_counter() - t0 < 1.0
