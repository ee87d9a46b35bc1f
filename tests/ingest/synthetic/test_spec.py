"""The synthetic:// URL and script parser."""

import pytest

from ingest.errors import SyntheticUrlError
from ingest.synthetic import Incident, SyntheticSpec, parse_script, parse_synthetic_url

URL = "synthetic://kitchen?seed=3&width=640&height=360&fps=15&people=2&period=90&script=cover@20+15,intruder@40+20"


def test_parses_the_documented_example() -> None:
    spec = parse_synthetic_url(URL)
    assert (spec.seed, spec.width, spec.height, spec.fps, spec.people, spec.period) == (3, 640, 360, 15.0, 2, 90.0)
    assert spec.script == (
        Incident(kind="cover", start_s=20, duration_s=15),
        Incident(kind="intruder", start_s=40, duration_s=20),
    )
    assert SyntheticSpec.from_url(URL) == spec


def test_defaults() -> None:
    spec = parse_synthetic_url("synthetic://kitchen")
    assert (spec.width, spec.height, spec.fps, spec.people, spec.period, spec.script) == (640, 360, 15.0, 2, None, ())


def test_plus_is_not_a_space_and_percent_escapes_work() -> None:
    assert parse_synthetic_url("synthetic://k?script=cover%4010%2B5").script == (
        Incident(kind="cover", start_s=10, duration_s=5),
    )


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (0, []),
        (19.9, []),
        (20, ["cover"]),
        (34.9, ["cover"]),
        (35, []),
        (45, ["intruder"]),
        (110, ["cover"]),
        (90 * 7 + 41, ["intruder"]),
    ],
)
def test_incidents_at_repeats_every_period(t: float, expected: list[str]) -> None:
    assert parse_synthetic_url(URL).incidents_at(t) == expected


def test_without_period_the_script_plays_once() -> None:
    spec = parse_synthetic_url("synthetic://k?script=lights_off@1+2")
    assert spec.incidents_at(1.5) == ["lights_off"]
    assert spec.incidents_at(101.5) == []


def test_overlapping_incidents_are_all_reported() -> None:
    spec = parse_synthetic_url("synthetic://k?script=no_hat@0+10,no_mask@5+10")
    assert spec.incidents_at(7) == ["no_hat", "no_mask"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("synthetic://k?fps=abc", "fps='abc' is not a number"),
        ("synthetic://k?seed=1.5", "seed='1.5' is not an integer"),
        ("synthetic://k?colour=red", "unknown parameter 'colour'"),
        ("synthetic://k?people", "parameter 'people' has no value"),
        ("synthetic://k?seed=1&seed=2", "given twice"),
        ("synthetic://k?people=99", "people: Input should be less than or equal to 8"),
        ("synthetic://k?width=10", "width"),
        ("synthetic://k?script=fire@1+2", "unknown kind 'fire'"),
        ("synthetic://k?script=cover@1", "expected kind@start_s+duration_s"),
        ("synthetic://k?script=cover@x+2", "start must be a number >= 0"),
        ("synthetic://k?script=cover@1+0", "duration a number > 0"),
        ("synthetic://k?period=30&script=cover@20+15", "ends at 35 s, after the period of 30 s"),
        ("rtsp://k", "expected a synthetic:// URL"),
    ],
)
def test_bad_urls_say_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(SyntheticUrlError) as info:
        parse_synthetic_url(url)
    assert message in str(info.value)


def test_parse_script_skips_empty_items() -> None:
    assert parse_script("cover@1+2,,") == (Incident(kind="cover", start_s=1, duration_s=2),)
