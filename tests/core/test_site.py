"""The site model: a camera's perception settings (defaults, typos and ranges are errors)."""

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from core.errors import ConfigError
from core.site import Camera, PerceptionSettings, Site, load_site

CAMERA = {"id": "cam1", "name": "Cooking", "kitchen": "k1", "url": "synthetic://x"}


def site_body(**perception: object) -> dict[str, object]:
    camera = CAMERA | ({"perception": perception} if perception else {})
    kitchens = [{"id": "k1", "name": "Main kitchen"}]
    return {"schools": [{"id": "s1", "name": "School 1", "kitchens": kitchens, "cameras": [camera]}]}


def test_a_camera_left_alone_runs_hog_once_in_five_frames() -> None:
    camera = Camera.model_validate(CAMERA)
    assert camera.perception == PerceptionSettings(hog_people=True, hog_every_frames=5)


def test_perception_settings_survive_the_site_message() -> None:
    site = Site.model_validate(site_body(hog_people=False, hog_every_frames=10))
    found = Site.decode(site.encode()).camera("cam1")
    assert found is not None
    assert found[1].perception == PerceptionSettings(hog_people=False, hog_every_frames=10)


@pytest.mark.parametrize(
    ("perception", "field"),
    [
        ({"hog_peopel": False}, "hog_peopel"),  # a typo is an error, not a silent default
        ({"hog_every_frames": 0}, "hog_every_frames"),
        ({"hog_every_frames": 101}, "hog_every_frames"),
        ({"hog_people": "sometimes"}, "hog_people"),
    ],
)
def test_a_wrong_perception_setting_is_an_error_naming_the_field(perception: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Site.model_validate(site_body(**perception))
    assert [err["loc"][-1] for err in caught.value.errors()] == [field]


def test_a_site_file_with_a_misspelt_perception_setting_names_its_path(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(site_body(hog_every_frame=3)), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"schools\.0\.cameras\.0\.perception\.hog_every_frame: Extra inputs"):
        load_site(path)
