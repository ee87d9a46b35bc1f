"""The labelled scenes of the detection evaluation: scenarios (one scripted incident each, or a
compliant shift clip), the site an installer would draw for them, and one scene's run through the
real :class:`detectors.pipeline.CameraPipeline` with the ground truth beside the alerts."""

import math
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval_visibility import in_view_from

from core.catalog import CATALOG
from core.contracts import Event, Frame
from core.site import Site
from detectors.handler import picture_of
from detectors.pipeline import CameraPipeline
from ingest.synthetic import SyntheticSpec, parse_synthetic_url, render
from ingest.synthetic.camera import room_zones
from ingest.synthetic.people import scale_at
from ingest.synthetic.render import cook_at
from ingest.synthetic.scene import Layout

FPS = 5
TZ = ZoneInfo("Asia/Shanghai")
DAY_MS = int(datetime(2025, 3, 3, 9, 0, tzinfo=TZ).timestamp() * 1000)  # a Monday, working hours
NIGHT_MS = int(datetime(2025, 3, 3, 22, 0, tzinfo=TZ).timestamp() * 1000)  # after hours
SHIFT_S = 8 * 3600
SLACK_S = 2.0
# Incident kind in the script -> the rule that should report it.
RULE_OF = {
    "rodent": "rodent",
    "stove_unattended": "stove_unattended",
    "bin_open": "bin_open",
    "blur": "camera_blurred",
    "displaced": "camera_displaced",
    "frozen": "camera_frozen",
    "cover": "camera_blocked",
    "intruder": "intrusion",
    "no_hat": "no_chef_hat",
    "no_mask": "no_mask",
    "no_uniform": "no_uniform",
}


@dataclass(frozen=True)
class Scenario:
    kind: str  # an incident kind, or "compliant"
    seed: int
    url: str
    seconds: float
    night: bool
    quality: int

    def spec(self) -> SyntheticSpec:
        return parse_synthetic_url(self.url)


def scenario(kind: str, seed: int) -> Scenario:
    """One labelled scene of ``kind``, its variation drawn from ``seed``."""
    rng = np.random.default_rng([seed, sum(map(ord, kind))])
    quality = int(rng.integers(40, 96))
    clutter = int(rng.integers(0, 9))
    noise = int(rng.choice([1, 1, 2]))
    exposure = float(rng.uniform(0.6, 1.4))
    people = int(rng.integers(1, 4))
    night = False
    light = ""  # extra script items for the lighting
    start = float(rng.uniform(20, 40))
    stove = 1
    if kind == "rodent":
        mode = rng.choice(["ir", "ir", "dark", "day"])
        night = mode != "day"
        light = {"ir": "night@0+600,", "dark": "lights_off@0+600,", "day": ""}[str(mode)]
        people, stove = (0, 0) if night else (people, 1)
        incident = f"rodent@{start:.1f}+{rng.uniform(4, 12):.1f}"
        tail = 15.0
    elif kind == "stove_unattended":
        incident, tail = f"stove_unattended@{start:.1f}+80", 10.0
    elif kind == "bin_open":
        incident, tail = f"bin_open@{start:.1f}+{rng.uniform(45, 70):.1f}", 15.0
    elif kind in ("blur", "displaced", "frozen", "cover"):
        night = rng.random() < 0.3
        if night:
            light, people, stove = "night@0+600,", 0, 0
        duration = {"blur": 25, "displaced": 25, "frozen": 20, "cover": 12}[kind]
        incident, tail = f"{kind}@{start:.1f}+{duration}", 10.0
    elif kind == "intruder":
        night, people, stove = True, 0, 0
        light = str(rng.choice(["", "night@0+600,", "lights_off@0+600,"]))
        incident, tail = f"intruder@{start:.1f}+15", 10.0
    elif kind in ("no_hat", "no_mask", "no_uniform"):
        incident, tail = f"{kind}@{start:.1f}+15", 10.0
    elif kind == "compliant":
        people = int(rng.integers(2, 5))
        return Scenario(kind, seed, _url(seed, people, stove, clutter, noise, exposure, ""), 180.0, False, quality)
    else:
        raise ValueError(f"unknown scenario kind {kind!r}")
    script = light + incident
    end = float(incident.split("@")[1].split("+")[0]) + float(incident.split("+")[1])
    url = _url(seed, people, stove, clutter, noise, 1.0 if night else exposure, script)
    return Scenario(kind, seed, url, math.ceil(end + tail), night, quality)


def _url(seed: int, people: int, stove: int, clutter: int, noise: int, exposure: float, script: str) -> str:
    url = (
        f"synthetic://kitchen?seed={seed}&people={people}&stove={stove}&pose=1&clutter={clutter}"
        f"&noise={noise}&exposure={exposure:.2f}"
    )
    return url + (f"&script={script}" if script else "")


def site_for(spec: SyntheticSpec, camera_id: str = "cam") -> Site:
    """The site an installer would write for this camera: its floor, stove and bin zones."""
    zones = spec.zones()
    return Site.model_validate(
        {
            "schools": [
                {
                    "id": "school",
                    "name": "Eval school",
                    "kitchens": [{"id": "k", "name": "Kitchen"}],
                    "cameras": [
                        {
                            "id": camera_id,
                            "name": "Cooking line",
                            "kitchen": "k",
                            "url": "synthetic://kitchen",
                            "zones": [
                                {"id": "floor", "kind": "floor", "polygon": zones["floor"]},
                                {"id": "stove", "kind": "stove", "polygon": zones["stove"]},
                                {"id": "bin", "kind": "bin", "polygon": zones["bin"]},
                            ],
                            "rules": {
                                "rodent": {"zones": ["floor"]},
                                "stove_unattended": {"zones": ["stove"]},
                                "bin_open": {"zones": ["bin"]},
                            },
                        }
                    ],
                }
            ]
        }
    )


def jpeg_frames(spec: SyntheticSpec, seconds: float, quality: int, base_ms: int) -> Iterator[tuple[float, Frame]]:
    for i in range(int(seconds * FPS)):
        t = i / FPS
        ok, buf = cv2.imencode(".jpg", render(spec, t), [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        yield t, Frame("cam", "school", base_ms + round(t * 1000), i, spec.width, spec.height, buf.tobytes())


def truth_intervals(sc: Scenario) -> dict[str, list[tuple[float, float]]]:
    """Per rule, the [start, end) seconds its condition is truly present (stove_unattended: from
    the moment the last cook is out of the stove zone, :func:`stove_left_at`)."""
    spec = sc.spec()
    active: dict[str, list[float]] = {}
    for i in range(int(sc.seconds * FPS)):
        t = i / FPS
        kinds = set(spec.incidents_at(t))
        if sc.night and (spec.people > 0 or "intruder" in kinds):
            kinds.add("intruder")  # anyone in the kitchen after hours is activity after hours
        for kind in kinds:
            rule = RULE_OF.get(kind)
            if rule is not None:
                active.setdefault(rule, []).append(t)
    out: dict[str, list[tuple[float, float]]] = {}
    for rule, times in active.items():
        runs: list[tuple[float, float]] = []
        for t in times:
            if runs and t - runs[-1][1] <= 1.5 / FPS:
                runs[-1] = (runs[-1][0], t + 1 / FPS)
            else:
                runs.append((t, t + 1 / FPS))
        out[rule] = runs
    if "stove_unattended" in out:  # the script sends the cooks away; the stove is left a moment later
        out["stove_unattended"] = [(stove_left_at(spec, s, e), e) for s, e in out["stove_unattended"]]
    return out


@dataclass
class Outcome:
    kind: str
    seed: int
    url: str
    quality: int
    seconds: float
    alerts: list[tuple[str, float]] = field(default_factory=list)  # (rule, alert time s)
    truth: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    in_view: dict[str, list[float]] = field(default_factory=dict)  # per truth interval: its offender in view from
    frames: int = 0
    cpu_s: float = 0.0


def run(sc: Scenario) -> Outcome:
    spec = sc.spec()
    found = site_for(spec).camera("cam")
    assert found is not None
    pipeline = CameraPipeline("cam", *found)
    base = NIGHT_MS if sc.night else DAY_MS
    truth = truth_intervals(sc)
    in_view = {
        rule: [in_view_from(spec, rule, s, e, CATALOG[rule].dwell_s) for s, e in runs] for rule, runs in truth.items()
    }
    out = Outcome(sc.kind, sc.seed, sc.url, sc.quality, sc.seconds, truth=truth, in_view=in_view)
    for _, frame in jpeg_frames(spec, sc.seconds, sc.quality, base):
        t0 = time.process_time()
        events: list[Event] = pipeline.process(frame, picture_of(frame, pipeline))
        out.cpu_s += time.process_time() - t0
        out.frames += 1
        for e in events:
            if e.state == "open":
                out.alerts.append((e.rule, (e.last_seen_ms - base) / 1000))
    return out



def stove_left_at(spec: SyntheticSpec, start_s: float, limit_s: float) -> float:
    """When the stove is truly unattended after the script sends the cooks away at ``start_s``:
    the first frame on which no cook's feet or body centre lies in the stove zone (what the rule
    means by "nobody there", drawn as an installer would), at most ``limit_s``. The cooks walk
    off at a walking pace from wherever they stood, so the stove is left a moment after the
    script's start."""
    lay = Layout.of(spec.width, spec.height)
    stove = np.array(room_zones(lay)["stove"], np.float32)  # reference view: cooks are drawn there
    t = start_s
    while t < limit_s:
        away = spec.active("stove_unattended", t)
        inside = False
        for i in range(spec.people):
            x, y, _ = cook_at(spec, i, t, away)
            centre_y = y - scale_at(lay, y) / 2
            if any(cv2.pointPolygonTest(stove, (x, yy), False) >= 0 for yy in (y, centre_y)):
                inside = True
                break
        if not inside:
            return t
        t = round(t + 1 / FPS, 6)
    return limit_s
