"""The evaluation's "offender in view" against the pixels: a mask taken off behind a colleague
changes little of the picture, one taken off in view changes the whole lower face."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from eval_visibility import in_view_from, offender_hidden

from ingest.synthetic import parse_synthetic_url, render

# Two cooks; cook 0 (the one the script undresses) walks behind cook 1 from ~27 s to ~33.6 s.
URL = "synthetic://kitchen?seed=20201&people=2&stove=1&pose=1&clutter=8&noise=2&exposure=1.37"


def _changed(t: float) -> int:
    """Pixels the mask's removal changes at ``t``."""
    masked, bare = parse_synthetic_url(URL), parse_synthetic_url(URL + "&script=no_mask@20+40")
    diff = np.abs(render(bare, t).astype(np.int16) - render(masked, t).astype(np.int16)).max(axis=2)
    return int((diff > 40).sum())


def test_hidden_frames_show_little_of_the_offenders_face() -> None:
    spec = parse_synthetic_url(URL + "&script=no_mask@20+40")
    times = [21.0, 25.0, 28.0, 30.0, 32.0, 34.0, 36.0, 38.0]
    hidden = {t: offender_hidden(spec, t, "head") for t in times}
    assert any(hidden.values()) and not all(hidden.values())
    shown = min(_changed(t) for t in times if not hidden[t])
    covered = max(_changed(t) for t in times if hidden[t])
    assert covered * 2 < shown


def test_in_view_from_waits_for_the_offender() -> None:
    spec = parse_synthetic_url(URL + "&script=no_hat@27.1+15")
    seen = in_view_from(spec, "no_chef_hat", 27.2, 42.2)
    assert 27.2 < seen < 42.2 and not offender_hidden(spec, seen, "head")
    assert offender_hidden(spec, seen - 0.2, "head")
    assert in_view_from(spec, "stove_unattended", 27.2, 42.2) == 27.2  # no offender to see
    alone = parse_synthetic_url(URL.replace("people=2", "people=1") + "&script=no_hat@27.1+15")
    assert in_view_from(alone, "no_chef_hat", 27.2, 42.2) == 27.2


def test_in_view_for_a_dwell_skips_a_glimpse() -> None:
    """The bare face shows for about 2.6 s from 24.6 s, then cook 0 walks behind cook 1 until
    ~33.6 s: a 3 s dwell cannot be met before they come out again."""
    spec = parse_synthetic_url(URL + "&script=no_mask@24.5+15")
    glimpse = in_view_from(spec, "no_mask", 24.6, 39.6)
    assert glimpse < 27.0
    seen = in_view_from(spec, "no_mask", 24.6, 39.6, 3.0)
    assert seen > 33.0
    assert all(not offender_hidden(spec, seen + i / 5, "head") for i in range(15))
    assert in_view_from(spec, "no_mask", 24.6, 25.6, 3.0) == in_view_from(spec, "no_mask", 24.6, 25.6)
