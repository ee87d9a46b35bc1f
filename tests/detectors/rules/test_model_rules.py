"""smoking / phone_use / no_gloves from the site's own model (built here), and phone_use from a
COCO cell phone held by a person."""

from pathlib import Path

import numpy as np
import pytest
import yaml

from core.contracts import Frame
from core.site import EffectiveRule
from detectors.detections import Detections
from detectors.perception import custom_models
from detectors.perception.custom_models import CustomModelsReport
from detectors.pipeline import CameraPipeline
from detectors.rules.model_rules import PhoneUse, Smoking
from tests.detectors import scenes
from tests.detectors.models.test_custom import build, config
from tests.detectors.rules.people_reports import attrs, percepts
from tests.detectors.test_pipeline import MONDAY_MORNING


def settings(key: str) -> EffectiveRule:
    return EffectiveRule(
        key=key, enabled=True, tier=2, dwell_s=3, realarm_s=30, clear_s=5, sensitivity=50, active="always"
    )


def test_phone_held_by_a_person_is_phone_use_one_on_a_shelf_is_not() -> None:
    phones = Detections.of(np.array([[120, 100, 135, 125], [500, 20, 515, 45]]), np.array([0.6, 0.9]), "cell phone")
    person = ((100, 50, 160, 300), 0.9, attrs())
    finding = PhoneUse(settings("phone_use")).evaluate(percepts([person], objects=phones), None, 640, 360)
    assert finding.condition and finding.detections.boxes.tolist() == [[120, 100, 135, 125]]


def test_model_detections_under_the_threshold_do_not_count() -> None:
    weak = CustomModelsReport({"smoking": Detections.of(np.array([[1, 1, 5, 5]]), np.array([0.3]), "cigarette")})
    assert not Smoking(settings("smoking")).evaluate(percepts([], custom=weak), None, 640, 360).condition


def test_site_model_drives_smoking_through_the_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "ppe.onnx"
    entry = config(model, build(model, "v5"), "v5").model_dump(mode="json")
    models_file = tmp_path / "models.yaml"
    models_file.write_text(yaml.safe_dump({"models": [entry]}))
    monkeypatch.setenv(custom_models.ENV_FILE, str(models_file))
    pipeline = CameraPipeline("cam1")
    events = []
    for i in range(20):
        data = scenes.jpeg(scenes.kitchen(seed=i))
        frame = Frame("cam1", "s1", MONDAY_MORNING + i * 200, i, 640, 360, data)
        events.extend(pipeline.process(frame, scenes.decode(data)))
    opened = {e.rule: e for e in events if e.state == "open"}
    assert set(opened) == {"smoking", "phone_use"}  # bare hands scored under min_score; rodent is not mine
    assert [(b.label, b.x1, b.y1, b.x2, b.y2) for b in opened["smoking"].boxes] == [("cigarette", 280, 40, 360, 80)]
    assert opened["smoking"].started_ms == MONDAY_MORNING and opened["smoking"].last_seen_ms == MONDAY_MORNING + 3000


def test_rules_only_a_site_model_can_raise_are_not_run_without_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(custom_models.ENV_FILE, raising=False)
    keys = {r.key for r in CameraPipeline("cam1").rules}
    assert "phone_use" in keys and not keys & {"smoking", "no_gloves"}  # phones: the person detector's
    model = tmp_path / "ppe.onnx"
    with_model = CameraPipeline("cam1", models=[config(model, build(model, "v5"), "v5")])
    assert {"smoking", "phone_use", "no_gloves"} <= {r.key for r in with_model.rules}
