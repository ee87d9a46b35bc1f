"""The site model: district → schools → kitchen areas → cameras, zones, schedules, rule settings.

Validated with ``extra="forbid"`` so a typo in a site file is an error that names the field.
The site travels on ``bk.site`` as JSON so ingest and detect never open the database.
"""

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.catalog import CATALOG, Active, RuleDefaults
from core.errors import ConfigError
from core.schedule import Schedule

_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
ZoneKind = Literal["stove", "floor", "bin", "prep", "restricted", "other"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Zone(_Strict):
    """A polygon on a camera's picture, in coordinates normalised to 0..1 (resolution-free)."""

    id: str = Field(pattern=_ID)
    kind: ZoneKind
    polygon: list[tuple[float, float]] = Field(min_length=3, max_length=64)

    @field_validator("polygon")
    @classmethod
    def _normalised(cls, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        for x, y in points:
            if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
                raise ValueError(f"point ({x}, {y}) is outside 0..1 (zones use normalised coordinates)")
        return points


class RuleSettings(_Strict):
    """Overrides of a rule's catalog defaults; every field left out keeps the default."""

    enabled: bool | None = None
    tier: int | None = Field(None, ge=1, le=3)
    dwell_s: float | None = Field(None, ge=0, le=3600)
    realarm_s: float | None = Field(None, ge=0, le=86400)
    clear_s: float | None = Field(None, ge=0, le=3600)
    sensitivity: int | None = Field(None, ge=0, le=100)
    active: Active | None = None
    zones: list[str] | None = Field(None, description="Zone ids the rule is limited to.")
    max_people: int | None = Field(None, ge=1, le=100, description="crowding: most people allowed at once.")


class EffectiveRule(_Strict):
    """A rule's settings after defaults, school settings and camera overrides are merged."""

    key: str
    enabled: bool
    tier: int
    dwell_s: float
    realarm_s: float
    clear_s: float
    sensitivity: int
    active: Active
    zones: list[str] | None = None
    max_people: int | None = None


def _check_rule_keys(rules: dict[str, RuleSettings]) -> dict[str, RuleSettings]:
    unknown = sorted(set(rules) - set(CATALOG))
    if unknown:
        raise ValueError(f"unknown rule(s) {unknown}; expected some of {sorted(CATALOG)}")
    return rules


class CustomModelConfig(BaseModel):
    """One site-supplied ONNX detector and what its classes mean."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", description="Unique name of the model.")
    path: Path = Field(description="The .onnx file on the detector hosts.")
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 of the file, checked at load.")
    layout: Literal["v5", "v8"] = Field(description="v5: (1, N, 5+C) with objectness; v8: (1, 4+C, N).")
    input_size: int | tuple[int, int] = Field(640, description="Network input: side, or [width, height].")
    classes: list[str] = Field(min_length=1, max_length=1000, description="Class names in output order.")
    map: dict[str, str] = Field(default_factory=dict, description="Class name → violation key of the catalog.")
    backend: Literal["onnxruntime", "opencv"] = Field("onnxruntime", description="Inference engine.")
    min_score: float = Field(0.35, gt=0, le=1, description="Lowest score kept.")
    nms_iou: float = Field(0.45, gt=0, le=1, description="Overlap above which the weaker box is dropped.")
    rgb: bool = Field(True, description="Feed RGB (Ultralytics exports); False feeds BGR.")
    scale: float = Field(1 / 255, gt=0, description="Pixel values are multiplied by this (1/255 → 0..1).")
    pad: Literal["center", "top_left"] = Field("center", description="Where the letterboxed picture sits.")

    @field_validator("input_size")
    @classmethod
    def _size(cls, v: int | tuple[int, int]) -> int | tuple[int, int]:
        sides = (v, v) if isinstance(v, int) else v
        if not all(32 <= s <= 4096 and s % 32 == 0 for s in sides):
            raise ValueError(f"input_size sides must be multiples of 32 in 32..4096, got {v}")
        return v

    @model_validator(mode="after")
    def _mapping(self) -> "CustomModelConfig":
        if len(set(self.classes)) != len(self.classes):
            raise ValueError("classes must be unique")
        unknown = sorted(set(self.map) - set(self.classes))
        if unknown:
            raise ValueError(f"map names class(es) {unknown} that are not in classes")
        bad = sorted(v for v in self.map.values() if v not in CATALOG)
        if bad:
            raise ValueError(f"map targets {bad} are not violation types; expected some of {sorted(CATALOG)}")
        return self

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the network input."""
        return (self.input_size, self.input_size) if isinstance(self.input_size, int) else self.input_size


class PerceptionSettings(_Strict):
    """How a camera's perception plugins run, where the defaults do not suit it (CPU is short, or
    the people detector misses its cooks)."""

    hog_people: bool = Field(
        True,
        description="HOG person proposals beside YOLOX: finds cooks YOLOX misses, costs CPU on busy kitchens "
        "(about 25 ms a look, ~5 ms a frame at one look in 5 frames; nothing on a static kitchen).",
    )
    hog_every_frames: int = Field(
        5, ge=1, le=100, description="HOG looks at most once in this many frames (5: once a second at 5 fps)."
    )


class Camera(_Strict):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1, max_length=100)
    kitchen: str = Field(pattern=_ID, description="Id of the kitchen area the camera covers.")
    url: str = Field(min_length=1, description="rtsp://, http(s)://, file://, /dev/videoN or synthetic://")
    enabled: bool = True
    zones: list[Zone] = Field(default_factory=list)
    rules: dict[str, RuleSettings] = Field(default_factory=dict)
    models: list[str] = Field(default_factory=list, description="Names of site models run on this camera.")
    perception: PerceptionSettings = Field(
        default_factory=PerceptionSettings, description="Per-camera settings of the perception plugins."
    )
    slot: int | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        description="Placement slot: the camera's frames go to partition slot mod P. Given when the site is "
        "applied and kept across edits, so adding or removing a camera moves no other; leave it out.",
    )

    _rule_keys = field_validator("rules")(classmethod(lambda cls, v: _check_rule_keys(v)))


class Kitchen(_Strict):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1, max_length=100)


class School(_Strict):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1, max_length=100)
    schedule: Schedule = Field(default_factory=Schedule)
    kitchens: list[Kitchen] = Field(default_factory=list)
    cameras: list[Camera] = Field(default_factory=list)
    rules: dict[str, RuleSettings] = Field(default_factory=dict)

    _rule_keys = field_validator("rules")(classmethod(lambda cls, v: _check_rule_keys(v)))

    @model_validator(mode="after")
    def _references(self) -> "School":
        kitchens = {k.id for k in self.kitchens}
        for cam in self.cameras:
            if cam.kitchen not in kitchens:
                raise ValueError(f"camera {cam.id!r} names kitchen {cam.kitchen!r}, which school {self.id!r} lacks")
            zones = {z.id for z in cam.zones}
            for key, rule in cam.rules.items():
                for zone in rule.zones or []:
                    if zone not in zones:
                        raise ValueError(f"camera {cam.id!r} rule {key!r} names unknown zone {zone!r}")
        return self


class Site(_Strict):
    """The whole configuration of one district deployment."""

    version: int = Field(1, ge=1, description="Bumped on every change; newest wins.")
    district: str = Field("district", min_length=1, max_length=100)
    schools: list[School] = Field(default_factory=list)
    models: list[CustomModelConfig] = Field(
        default_factory=list, description="Bring-your-own ONNX detectors, run on the cameras that name them."
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> "Site":
        seen: dict[str, str] = {}
        for school in self.schools:
            for what, ident in [("school", school.id)] + [("camera", c.id) for c in school.cameras]:
                key = f"{what}:{ident}"
                if key in seen:
                    raise ValueError(f"{what} id {ident!r} is used twice")
                seen[key] = school.id
        slots = [c.slot for _, c in self.cameras() if c.slot is not None]
        if len(set(slots)) != len(slots):
            twice = sorted({x for x in slots if slots.count(x) > 1})
            raise ValueError(f"camera slot(s) {twice} are used twice (leave slots out: they are given on apply)")
        names = [m.name for m in self.models]
        if len(set(names)) != len(names):
            raise ValueError(f"model names must be unique, got {names}")
        for _school, cam in self.cameras():
            unknown = sorted(set(cam.models) - set(names))
            if unknown:
                raise ValueError(f"camera {cam.id!r} names model(s) {unknown} that the site does not define")
        return self

    def models_of(self, camera: "Camera") -> list["CustomModelConfig"]:
        """The site models a camera runs, in the order the camera names them."""
        by_name = {m.name: m for m in self.models}
        return [by_name[n] for n in camera.models]

    def cameras(self) -> list[tuple[School, Camera]]:
        return [(s, c) for s in self.schools for c in s.cameras]

    def camera(self, camera_id: str) -> tuple[School, Camera] | None:
        return next(((s, c) for s, c in self.cameras() if c.id == camera_id), None)

    def encode(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def decode(cls, value: bytes) -> "Site":
        try:
            return cls.model_validate_json(value)
        except ValidationError as exc:
            raise ConfigError(f"site message: {describe(exc)}") from exc


def effective_rule(school: School | None, camera: Camera | None, key: str) -> EffectiveRule:
    """Catalog defaults, then the school's settings, then the camera's overrides (a camera the
    site does not know runs on the catalog defaults)."""
    base: RuleDefaults = CATALOG[key]
    merged = {
        "key": key,
        "enabled": True,
        "tier": base.tier,
        "dwell_s": base.dwell_s,
        "realarm_s": base.realarm_s,
        "clear_s": base.clear_s,
        "sensitivity": base.sensitivity,
        "active": base.active,
        "zones": None,
        "max_people": None,
    }
    layers = (school.rules.get(key) if school else None, camera.rules.get(key) if camera else None)
    for layer in layers:
        if layer is not None:
            merged.update(layer.model_dump(exclude_none=True))
    return EffectiveRule.model_validate(merged)


def describe(exc: ValidationError) -> str:
    """Name the path of each wrong field and what was expected."""
    lines = []
    for err in exc.errors()[:10]:
        path = ".".join(str(p) for p in err["loc"]) or "(top level)"
        lines.append(f"{path}: {err['msg']}")
    return "; ".join(lines)


_FIELD_IN_PATH = re.compile(r"\s+")


def load_site(path: Path) -> Site:
    """Read and validate a site YAML file; any problem names the file and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({_FIELD_IN_PATH.sub(' ', str(exc))})") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(raw).__name__}")
    try:
        return Site.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {describe(exc)}") from exc
