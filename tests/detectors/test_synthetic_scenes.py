"""The detection path on the synthetic kitchen renderer's scripted incidents (ground truth from
the script). Skipped when the renderer (owned by ingest) is not installed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.contracts import Event, Frame
from detectors.handler import picture_of
from detectors.pipeline import CameraPipeline
from tests.detectors import scenes

synthetic = pytest.importorskip("ingest.synthetic")

FPS = 5
NIGHT = int(datetime(2025, 3, 3, 22, 0, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp() * 1000)


def play(url: str, seconds: float) -> list[Event]:
    spec = synthetic.parse_synthetic_url(url)
    pipeline = CameraPipeline("syn1")
    events: list[Event] = []
    for i in range(int(seconds * FPS)):
        t = i / FPS
        data = scenes.jpeg(synthetic.render(spec, t))
        frame = Frame("syn1", "s1", NIGHT + round(t * 1000), i, spec.width, spec.height, data)
        events.extend(pipeline.process(frame, picture_of(frame, pipeline)))  # decoded as the worker does
    return events


def window(events: list[Event], rule: str) -> list[tuple[str, float]]:
    return [(e.state, (e.last_seen_ms - NIGHT) / 1000) for e in events if e.rule == rule and e.state != "update"]


def test_scripted_cover_lights_off_and_intruder_after_hours() -> None:
    events = play("synthetic://kitchen?seed=4&people=0&script=cover@8+10,lights_off@24+10,intruder@40+14", 60)
    blocked = window(events, "camera_blocked")
    assert [s for s, _ in blocked] == ["open", "closed"], blocked
    assert 8 + 3 <= blocked[0][1] <= 8 + 6  # dwell 3 s after the cloth arrives (plus the hand sweep)
    assert 17 <= blocked[1][1] <= 18 + 1  # last covered frame before 18 s
    intrusion = window(events, "intrusion")
    assert intrusion and intrusion[0][0] == "open", intrusion
    assert 40 <= intrusion[0][1] <= 40 + 8, intrusion  # not during the lights-off period
    assert all(t >= 40 for _, t in intrusion)


@pytest.mark.parametrize(
    ("url", "opens_between"),
    [
        # an intruder in the dark kitchen (lights off from 5 s, intruder from 20 s)
        ("synthetic://kitchen?seed=4&people=0&script=lights_off@5+40,intruder@20+14", (20.0, 28.0)),
        # cooks moving at night in the dark are activity after hours too
        ("synthetic://kitchen?seed=4&people=2&script=lights_off@0+60", (0.0, 15.0)),
        # an empty kitchen whose lights go off and on again: nothing
        ("synthetic://kitchen?seed=6&people=0&script=lights_off@10+10,lights_off@30+5", None),
        ("synthetic://kitchen?seed=5&people=0&script=lights_off@0+60", None),
    ],
)
def test_intrusion_in_the_dark_and_lighting_changes(url: str, opens_between: tuple[float, float] | None) -> None:
    events = play(url, 45)
    assert all(e.rule == "intrusion" for e in events), events
    opens = [(e.last_seen_ms - NIGHT) / 1000 for e in events if e.state == "open"]
    if opens_between is None:
        assert opens == []
    else:
        assert len(opens) == 1 and opens_between[0] <= opens[0] <= opens_between[1], opens
