"""Where model files live and the check that they are the files the manifest names.

The directory is ``$BK_MODELS_DIR`` when set, else ``.models/`` in the project root (git-ignored).
Every load verifies the SHA-256, so a truncated download or a swapped file is a start-up error,
not a detector that silently sees nothing.
"""

import hashlib
import os
import threading
from pathlib import Path

from detectors.errors import DetectorError
from detectors.models.manifest import ModelFile

ENV_DIR = "BK_MODELS_DIR"
_verified: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> sha256 already computed
_lock = threading.Lock()


class ModelFileError(DetectorError):
    """A model file is missing or is not the file its configuration names."""


def models_dir() -> Path:
    """The directory model files are fetched into and loaded from: ``$BK_MODELS_DIR``, else
    ``.models`` in the source checkout, else (an installed, non-editable package) in the
    working directory."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env).expanduser()
    root = Path(__file__).resolve().parents[2]
    return (root if (root / "pyproject.toml").is_file() else Path.cwd()) / ".models"


def sha256_of(path: Path) -> str:
    """The file's SHA-256 (hex); cached per (path, size, mtime) so many cameras hash it once."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _lock:
        known = _verified.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    value = digest.hexdigest()
    with _lock:
        _verified[key] = value
    return value


def verified(path: Path, sha256: str, what: str) -> Path:
    """``path`` if it exists and has the expected SHA-256, else ModelFileError saying what to do."""
    if not path.is_file():
        raise ModelFileError(f"{what}: model file {path} is missing; run `python scripts/fetch_models.py`")
    actual = sha256_of(path)
    if actual != sha256.lower():
        raise ModelFileError(
            f"{what}: model file {path} has SHA-256 {actual}, expected {sha256.lower()}; "
            "delete it and run `python scripts/fetch_models.py` (or fix the configured sha256)"
        )
    return path


def model_path(file: ModelFile) -> Path:
    """The verified path of a manifest file in the models directory."""
    return verified(models_dir() / file.name, file.sha256, file.name)
