"""The ``synthetic://`` camera URL: scene parameters and a script of incidents.

Format::

    synthetic://kitchen?seed=3&width=640&height=360&fps=15&people=2&period=90&script=cover@20+15,intruder@40+20

Parameters (all optional): ``seed`` (int, default 0), ``width`` / ``height`` (pixels, default
640×360), ``fps`` (default 15), ``people`` (cooks in uniform, 0..8, default 2), ``stove``
(1 = lit, 0 = off, default 1), ``period`` (seconds; the script repeats every period, default:
plays once), ``pose`` (0..1, how far the camera's viewpoint varies with the seed: 0 = the
reference view), ``clutter`` (0..12 extra static objects chosen by the seed), ``exposure``
(overall brightness factor, 0.3..2), ``noise`` (sensor noise layers, 0..4, default 1) and
``script``: a comma list of ``kind@start_s+duration_s`` with times in seconds relative to the
source's start. The query is split by hand: ``+`` is a literal plus here, not a space as in HTML
forms. Incident kinds: see :data:`INCIDENT_KINDS`:

- ``cover``, ``lights_off``, ``intruder``, ``no_hat``, ``no_mask``, ``no_uniform``: lens covered, lights off,
  a stranger walks in, the first cook without hat / mask / work clothes (dark top).
- ``night``: infrared night mode (greyscale, low light, IR illuminator fall-off, more noise).
- ``rodent``: a small dark animal scurries along the floor, stopping now and then.
- ``stove_unattended``: the cooks keep away from the stove (needs ``stove=1``). With
  ``people=0`` and the stove lit the stove is unattended all the time, and the ground truth says so.
- ``bin_open``: the bin's lid stands open.
- ``blur``: the lens is out of focus. ``displaced``: the camera was knocked (shifted and rotated).
- ``frozen``: the picture stops changing: every frame repeats the incident's first frame exactly.

:meth:`SyntheticSpec.zones` says where the stove, the floor and the bin are in the picture (after
the viewpoint), so tests and benchmarks can write a site for the camera; detectors only ever get
them as site zones.
"""

from typing import Literal, get_args
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ingest.errors import SyntheticUrlError

IncidentKind = Literal[
    "cover",
    "intruder",
    "lights_off",
    "no_hat",
    "no_mask",
    "no_uniform",
    "night",
    "rodent",
    "stove_unattended",
    "bin_open",
    "blur",
    "displaced",
    "frozen",
]
INCIDENT_KINDS: tuple[str, ...] = get_args(IncidentKind)
_INT_PARAMS = {"seed", "width", "height", "people", "stove", "clutter", "noise"}
_FLOAT_PARAMS = {"fps", "period", "pose", "exposure"}
Polygon = list[tuple[float, float]]


class Incident(BaseModel):
    """One scripted incident: ``kind`` is active for ``start_s <= t < start_s + duration_s``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: IncidentKind
    start_s: float = Field(ge=0)
    duration_s: float = Field(gt=0)

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s

    def active(self, t: float) -> bool:
        return self.start_s <= t < self.end_s


class SyntheticSpec(BaseModel):
    """Everything that decides a synthetic camera's pictures: same spec + same time = same frame."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    width: int = Field(default=640, ge=64, le=3840)
    height: int = Field(default=360, ge=48, le=2160)
    fps: float = Field(default=15.0, gt=0, le=60)
    people: int = Field(default=2, ge=0, le=8)
    stove: bool = True
    period: float | None = Field(default=None, gt=0, description="The script repeats every period seconds.")
    pose: float = Field(default=0.0, ge=0, le=1, description="Viewpoint variation by seed (0 = reference view).")
    clutter: int = Field(default=0, ge=0, le=12, description="Extra static objects placed by the seed.")
    exposure: float = Field(default=1.0, ge=0.3, le=2.0, description="Overall brightness factor.")
    noise: int = Field(default=1, ge=0, le=4, description="Layers of sensor noise.")
    script: tuple[Incident, ...] = ()

    @model_validator(mode="after")
    def _fits_period(self) -> "SyntheticSpec":
        if self.period is not None:
            for inc in self.script:
                if inc.end_s > self.period:
                    raise ValueError(
                        f"incident {inc.kind}@{inc.start_s:g}+{inc.duration_s:g} ends at {inc.end_s:g} s, "
                        f"after the period of {self.period:g} s"
                    )
        if not self.stove and any(inc.kind == "stove_unattended" for inc in self.script):
            raise ValueError("stove_unattended needs a lit stove (stove=1)")
        return self

    def script_time(self, t: float) -> float:
        """Time on the script's timeline (folded into the period when there is one)."""
        return t % self.period if self.period else t

    def incidents_at(self, t: float) -> list[str]:
        """Ground truth: the incident kinds active at ``t`` seconds after the start, sorted."""
        ts = self.script_time(t)
        kinds = {inc.kind for inc in self.script if inc.active(ts)}
        if self.stove and self.people == 0:
            kinds.add("stove_unattended")  # nobody in the kitchen tends the lit stove
        return sorted(kinds)

    def active(self, kind: str, t: float) -> Incident | None:
        """The incident of ``kind`` active at ``t``, if any (for the renderer's timing)."""
        ts = self.script_time(t)
        return next((inc for inc in self.script if inc.kind == kind and inc.active(ts)), None)

    def zones(self) -> dict[str, Polygon]:
        """Where the ``stove`` (burners and the floor in front of them), the ``floor`` and the
        ``bin`` (its lid, open or closed) are: polygons normalised to 0..1, seen from this
        camera's viewpoint. For writing a site; detectors get them only as site zones."""
        from ingest.synthetic.camera import scene_zones  # the geometry lives with the drawing

        return scene_zones(self)

    @classmethod
    def from_url(cls, url: str) -> "SyntheticSpec":
        return parse_synthetic_url(url)


def parse_script(text: str) -> tuple[Incident, ...]:
    """Parse ``kind@start+duration[,...]``; raise SyntheticUrlError naming the bad item."""
    incidents = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        kind, at, times = item.partition("@")
        start, plus, duration = times.partition("+")
        if not at or not plus:
            raise SyntheticUrlError(f"script item {item!r}: expected kind@start_s+duration_s, e.g. cover@20+15")
        if kind not in INCIDENT_KINDS:
            raise SyntheticUrlError(f"script item {item!r}: unknown kind {kind!r}, expected one of {INCIDENT_KINDS}")
        try:
            incidents.append(Incident(kind=kind, start_s=float(start), duration_s=float(duration)))
        except ValueError as exc:  # float() or pydantic
            raise SyntheticUrlError(
                f"script item {item!r}: start must be a number >= 0 and duration a number > 0"
            ) from exc
    return tuple(incidents)


def parse_synthetic_url(url: str) -> SyntheticSpec:
    """Build a :class:`SyntheticSpec` from a ``synthetic://`` URL, or raise SyntheticUrlError."""
    parts = urlsplit(url)
    if parts.scheme != "synthetic":
        raise SyntheticUrlError(f"{url!r}: expected a synthetic:// URL")
    values: dict[str, object] = {}
    for pair in filter(None, parts.query.split("&")):
        name, eq, raw = pair.partition("=")
        name, raw = unquote(name), unquote(raw)
        if not eq:
            raise SyntheticUrlError(f"{url!r}: parameter {name!r} has no value (expected name=value)")
        if name in values:
            raise SyntheticUrlError(f"{url!r}: parameter {name!r} is given twice")
        if name == "script":
            values[name] = parse_script(raw)
        elif name in _INT_PARAMS or name in _FLOAT_PARAMS:
            try:
                values[name] = int(raw) if name in _INT_PARAMS else float(raw)
            except ValueError:
                kind = "an integer" if name in _INT_PARAMS else "a number"
                raise SyntheticUrlError(f"{url!r}: {name}={raw!r} is not {kind}") from None
        else:
            known = sorted(_INT_PARAMS | _FLOAT_PARAMS | {"script"})
            raise SyntheticUrlError(f"{url!r}: unknown parameter {name!r}, expected some of {known}")
    try:
        return SyntheticSpec.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'spec'}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise SyntheticUrlError(f"{url!r}: {problems}") from exc
