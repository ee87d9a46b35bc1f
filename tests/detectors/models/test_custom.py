"""Bring-your-own ONNX detectors, with a model this test builds whose output is known.

The graph consumes its input (mean × 0) and adds constant rows, so the full path runs: letterbox,
inference in onnxruntime or cv2.dnn, decode of the v5 / v8 layout, class-aware NMS, mapping back to
the original picture's pixels and the class → violation map.
"""

import hashlib
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from core.site import CustomModelConfig
from detectors.errors import DetectorError
from detectors.models.custom import CustomDetector, CustomModelsFile
from detectors.models.store import ModelFileError
from detectors.perception.custom_models import CustomModels, load_models_file

CLASSES = ["person", "cigarette", "phone", "bare_hand", "rat"]
SIZE = 320
# v5 rows in input pixels: cx, cy, w, h, objectness, 5 class scores.
ROWS = np.array(
    [
        [160, 100, 40, 20, 0.9, 0, 0.9, 0, 0, 0],  # cigarette 0.81
        [162, 101, 40, 20, 0.8, 0, 0.9, 0, 0, 0],  # the same cigarette again, 0.72: suppressed
        [80, 200, 30, 60, 0.9, 0, 0, 0.8, 0, 0],  # phone 0.72
        [80, 200, 30, 60, 0.9, 0, 0, 0, 0, 0.6],  # rat 0.54 in the same place: another class, kept
        [250, 150, 10, 10, 0.1, 0, 0, 0, 0.9, 0],  # bare hand 0.09: under min_score
    ],
    np.float32,
)


def build(path: Path, layout: str) -> str:
    """Write the model; returns its SHA-256."""
    const = ROWS[None] if layout == "v5" else np.concatenate([ROWS[:, :4], ROWS[:, 5:] * ROWS[:, 4:5]], 1).T[None]
    out_shape = list(const.shape)
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["mean"], keepdims=0),
        helper.make_node("Mul", ["mean", "zero"], ["nothing"]),
        helper.make_node("Add", ["rows", "nothing"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes,
        "constant_yolo",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, out_shape)],
        [
            numpy_helper.from_array(const.astype(np.float32), "rows"),
            numpy_helper.from_array(np.zeros((), np.float32), "zero"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def config(path: Path, sha: str, layout: str, **extra: object) -> CustomModelConfig:
    return CustomModelConfig.model_validate(
        {
            "name": "ppe",
            "path": str(path),
            "sha256": sha,
            "layout": layout,
            "input_size": SIZE,
            "classes": CLASSES,
            "map": {"cigarette": "smoking", "phone": "phone_use", "bare_hand": "no_gloves", "rat": "rodent"},
            **extra,
        }
    )


@pytest.mark.parametrize("layout", ["v5", "v8"])
@pytest.mark.parametrize("backend", ["onnxruntime", "opencv"])
def test_decode_path_from_a_known_output(tmp_path: Path, layout: str, backend: str) -> None:
    path = tmp_path / f"{layout}.onnx"
    det = CustomDetector(config(path, build(path, layout), layout, backend=backend))
    picture = np.zeros((360, 640, 3), np.uint8)  # letterboxed to 320×180, centred: ratio 0.5, dy 70
    found = det.detect(picture)
    assert found.labels.tolist() == ["cigarette", "phone", "rat"]
    assert found.scores.tolist() == pytest.approx([0.81, 0.72, 0.54])
    # cigarette: input (140, 90)-(180, 110) → original ((140-0)/0.5, (90-70)/0.5) ...
    assert found.boxes[0].tolist() == pytest.approx([280, 40, 360, 80])
    assert found.boxes[1].tolist() == pytest.approx([130, 200, 190, 320])


def test_violations_come_from_the_class_map(tmp_path: Path) -> None:
    path = tmp_path / "m.onnx"
    plugin = CustomModels([config(path, build(path, "v8"), "v8")])
    report = plugin.observe(np.zeros((360, 640, 3), np.uint8))
    assert sorted(report.violations) == ["phone_use", "rodent", "smoking"]
    assert report.of("smoking").labels.tolist() == ["cigarette"]
    assert len(report.of("no_gloves")) == 0  # seen, but under min_score


def test_a_wrong_sha256_stops_loading(tmp_path: Path) -> None:
    path = tmp_path / "m.onnx"
    build(path, "v5")
    with pytest.raises(ModelFileError, match="model 'ppe'.*expected " + "a" * 64):
        CustomDetector(config(path, "a" * 64, "v5"))


def test_input_size_must_match_the_file(tmp_path: Path) -> None:
    path = tmp_path / "m.onnx"
    sha = build(path, "v5")
    with pytest.raises(DetectorError, match=r"input_size \(640, 640\) does not match the file's input \(320, 320\)"):
        CustomDetector(config(path, sha, "v5", input_size=640))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"map": {"cigar": "smoking"}}, "map names class(es) ['cigar'] that are not in classes"),
        ({"map": {"rat": "rats"}}, "map targets ['rats'] are not violation types"),
        ({"layout": "v7"}, "layout"),
        ({"input_size": 300}, "multiples of 32"),
        ({"colour": "rgb"}, "colour"),
    ],
)
def test_config_errors_name_the_field(tmp_path: Path, change: dict[str, object], message: str) -> None:
    raw = config(tmp_path / "m.onnx", "0" * 64, "v5").model_dump(mode="json") | change
    with pytest.raises(
        ValueError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(").replace(")", r"\)")
    ):
        CustomModelConfig.model_validate(raw)


def test_models_file_is_validated_with_the_file_named(tmp_path: Path) -> None:
    good = tmp_path / "models.yaml"
    entry = config(tmp_path / "m.onnx", "0" * 64, "v5").model_dump(mode="json")
    good.write_text(CustomModelsFile.model_validate({"models": [entry]}).model_dump_json())
    assert [m.name for m in load_models_file(good)] == ["ppe"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n  - name: x\n    path: /m.onnx\n")
    with pytest.raises(DetectorError, match=r"bad.yaml: models.0.sha256: Field required"):
        load_models_file(bad)


def test_the_site_carries_a_model_to_the_cameras_that_name_it(tmp_path: Path) -> None:
    """Bring your own model end to end in the pipeline: a site model, named by one camera,
    raises smoking there after the dwell; the camera that does not name it stays quiet."""
    import cv2

    from core.contracts import Frame
    from core.site import Site
    from detectors.pipeline import CameraPipeline

    path = tmp_path / "ppe.onnx"
    model = config(path, build(path, "v8"), "v8").model_dump(mode="json")
    week = {d: ["00:00-23:59"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    site = Site.model_validate({
        "models": [model],
        "schools": [{"id": "s", "name": "S", "kitchens": [{"id": "k", "name": "K"}],
                     "schedule": {"working_hours": week},
                     "rules": {r: {"enabled": False} for r in ("no_chef_hat", "no_mask", "no_uniform", "intrusion",
                                                               "crowding", "camera_blocked", "camera_blurred",
                                                               "camera_displaced", "camera_frozen", "bin_open",
                                                               "stove_unattended") if r in _registry()},
                     "cameras": [{"id": "with", "name": "W", "kitchen": "k", "url": "synthetic://kitchen",
                                  "models": ["ppe"]},
                                 {"id": "without", "name": "O", "kitchen": "k", "url": "synthetic://kitchen"}]}],
    })
    rng = np.random.default_rng(0)
    picture = rng.integers(60, 200, (360, 640, 3), np.uint8)
    jpeg = bytes(cv2.imencode(".jpg", picture)[1].tobytes())
    seen: dict[str, set[str]] = {}
    for cam_id in ("with", "without"):
        school, camera = site.camera(cam_id)  # type: ignore[misc]
        pipeline = CameraPipeline(cam_id, school, camera, models=site.models_of(camera))
        rules: set[str] = set()
        for i in range(30):  # 6 s at 5 fps: past the 3 s dwell
            frame = Frame(cam_id, "s", 1_800_000_000_000 + i * 200, i, 640, 360, jpeg)
            rules |= {e.rule for e in pipeline.process(frame, picture) if e.state == "open"}
        seen[cam_id] = rules
    assert "smoking" in seen["with"] and "phone_use" in seen["with"]
    assert not seen["without"] & {"smoking", "phone_use", "rodent"}


def _registry() -> set[str]:
    from detectors.rules.registry import RULES

    return set(RULES)


def test_a_camera_naming_an_unknown_model_is_refused() -> None:
    from pydantic import ValidationError

    from core.site import Site

    with pytest.raises(ValidationError, match="does not define"):
        Site.model_validate({"schools": [{"id": "s", "name": "S", "kitchens": [{"id": "k", "name": "K"}],
                                          "cameras": [{"id": "c", "name": "C", "kitchen": "k", "url": "x",
                                                       "models": ["nope"]}]}]})
