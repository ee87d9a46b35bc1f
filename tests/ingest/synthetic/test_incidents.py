"""The renderer's newer incidents and camera variation: each changes the pixels as intended, only
while scripted, deterministically; zones follow the viewpoint."""

import cv2
import numpy as np
import pytest

from ingest.errors import SyntheticUrlError
from ingest.synthetic import parse_synthetic_url, render
from ingest.synthetic.camera import roll_degrees, view_matrix
from ingest.synthetic.people import cook_route

BASE = "synthetic://kitchen?seed=3&width=320&height=180"


def _diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def _region(img: np.ndarray, poly: list[tuple[float, float]]) -> np.ndarray:
    h, w = img.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [np.round(np.array(poly) * [w, h]).astype(np.int32)], 1)
    out: np.ndarray = img[mask.astype(bool)]
    return out


def test_rodent_appears_on_the_floor_only_during_the_incident() -> None:
    plain = parse_synthetic_url(BASE + "&people=0&stove=0")
    spec = parse_synthetic_url(BASE + "&people=0&stove=0&script=rodent@10+6")
    floor = spec.zones()["floor"]
    for t in (10.5, 12.0, 14.0):
        a, b = render(spec, t), render(plain, t)
        changed = np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > 30
        ys, xs = np.nonzero(changed)
        assert 5 < len(xs) < 0.01 * a.shape[0] * a.shape[1], t  # something small
        assert ys.min() >= floor[0][1] * a.shape[0] - 2, t  # on the floor
    assert np.array_equal(render(spec, 17.0), render(plain, 17.0))
    assert spec.incidents_at(12.0) == ["rodent"]


def test_rodent_moves_between_frames() -> None:
    spec = parse_synthetic_url(BASE + "&people=0&stove=0&noise=0&script=rodent@0+10")
    a, b = render(spec, 1.0), render(spec, 1.2)
    _, xs = np.nonzero(np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > 30)
    assert len(xs) > 5
    assert xs.max() - xs.min() < 0.35 * spec.width  # a small thing, not a person


def test_bin_open_changes_only_the_bin_zone() -> None:
    plain = parse_synthetic_url(BASE + "&people=0&stove=0")
    spec = parse_synthetic_url(BASE + "&people=0&stove=0&script=bin_open@10+10")
    a, b = render(plain, 12.0), render(spec, 12.0)
    zone = spec.zones()["bin"]
    assert _diff(_region(a, zone), _region(b, zone)) > 15
    assert _diff(a, b) < 2.0
    assert np.array_equal(render(spec, 25.0), render(plain, 25.0))


def test_frozen_repeats_the_first_frame_exactly() -> None:
    spec = parse_synthetic_url(BASE + "&people=2&script=frozen@10+5")
    first = render(spec, 10.0)
    assert all(np.array_equal(first, render(spec, t)) for t in (10.2, 12.0, 14.9))
    assert not np.array_equal(render(spec, 15.0), render(spec, 15.2))  # live again


def test_displaced_moves_and_rolls_the_view_while_it_lasts() -> None:
    spec = parse_synthetic_url(BASE + "&people=0&script=displaced@10+10")
    assert view_matrix(spec, 5.0) is None
    m = view_matrix(spec, 12.0)
    assert m is not None and 2.0 <= abs(roll_degrees(m)) <= 7.0
    assert _diff(render(spec, 12.0), render(spec, 5.0)) > 10
    assert _diff(render(spec, 21.0), render(spec, 5.0)) < 3


def _sharpness(img: np.ndarray) -> float:
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
    return float(np.abs(cv2.Laplacian(cv2.GaussianBlur(grey, (3, 3), 0), cv2.CV_32F)).mean())


def test_blur_softens_the_picture() -> None:
    spec = parse_synthetic_url(BASE + "&people=1&noise=0&script=blur@10+10")
    assert _sharpness(render(spec, 12.0)) < 0.5 * _sharpness(render(spec, 8.0))


def test_night_is_grey_and_dim_with_flames_still_bright() -> None:
    spec = parse_synthetic_url(BASE + "&people=1&script=night@0+20")
    night, day = render(spec, 5.0), render(parse_synthetic_url(BASE + "&people=1"), 5.0)
    b, g, r = (night[:, :, i].astype(int) for i in range(3))
    assert np.abs(b - g).max() <= 1 and np.abs(g - r).max() <= 1  # no colour
    assert night.mean() < 0.8 * day.mean()
    stove = _region(night, spec.zones()["stove"])
    assert stove.max() >= 230  # burning gas glares in infrared


def test_stove_unattended_keeps_the_cooks_away_from_the_stove() -> None:
    spec = parse_synthetic_url("synthetic://kitchen?seed=5&people=3&script=stove_unattended@0+300")
    zone = np.array(spec.zones()["stove"]) * [spec.width, spec.height]
    x0, x1, y1 = zone[:, 0].min(), zone[:, 0].max(), zone[:, 1].max()
    for i in range(3):
        route = cook_route(spec.seed, i, spec.width, spec.height, True)
        for t in np.arange(0, 120, 0.5):
            x, y, _ = route.at(float(t))
            assert not (x0 <= x <= x1 and y <= y1), (i, t, x, y)
    normal = cook_route(spec.seed, 0, spec.width, spec.height)
    visits = [t for t in np.arange(0, 120, 0.5) if x0 <= normal.at(float(t))[0] <= x1 and normal.at(float(t))[1] <= y1]
    assert visits  # normally the cook does go to the stove


def test_stove_unattended_truth() -> None:
    assert parse_synthetic_url(BASE + "&people=0").incidents_at(3) == ["stove_unattended"]
    assert parse_synthetic_url(BASE + "&people=0&stove=0").incidents_at(3) == []
    assert parse_synthetic_url(BASE + "&people=2").incidents_at(3) == []
    with pytest.raises(SyntheticUrlError, match="needs a lit stove"):
        parse_synthetic_url(BASE + "&stove=0&script=stove_unattended@0+10")


def test_no_uniform_dresses_the_first_cook_in_dark_clothes() -> None:
    spec = parse_synthetic_url(BASE + "&people=1&script=no_uniform@10+10")
    plain = parse_synthetic_url(BASE + "&people=1")
    assert render(spec, 15.0).mean() < render(plain, 15.0).mean() - 0.2
    assert np.array_equal(render(spec, 25.0), render(plain, 25.0))


def test_zones_are_normalised_and_follow_the_viewpoint() -> None:
    fixed = parse_synthetic_url(BASE).zones()
    posed = parse_synthetic_url(BASE + "&pose=1").zones()
    assert set(fixed) == {"stove", "floor", "bin"}
    for zones in (fixed, posed):
        for poly in zones.values():
            assert len(poly) >= 3 and all(0 <= x <= 1 and 0 <= y <= 1 for x, y in poly)
    assert fixed["stove"] != posed["stove"]
    # The posed picture shows the stove where the posed zone says: flames inside it.
    spec = parse_synthetic_url(BASE + "&pose=1&people=0")
    img = render(spec, 2.0)
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
    flame = (hsv[:, :, 0] < 35) & (hsv[:, :, 1] > 150) & (hsv[:, :, 2] > 200)
    ys, xs = np.nonzero(flame)
    pixels = (np.array(posed["stove"]) * [spec.width, spec.height]).astype(np.float32)
    inside = [
        cv2.pointPolygonTest(pixels, (float(x), float(y)), False) >= 0
        for x, y in zip(xs, ys, strict=True)
    ]
    assert len(inside) > 10 and np.mean(inside) > 0.9


def test_variation_parameters_are_deterministic_and_change_the_picture() -> None:
    url = BASE + "&pose=0.7&clutter=6&exposure=0.6&noise=2"
    a, b = render(parse_synthetic_url(url), 7.0), render(parse_synthetic_url(url), 7.0)
    assert np.array_equal(a, b)
    assert _diff(a, render(parse_synthetic_url(BASE), 7.0)) > 5
    assert (
        render(parse_synthetic_url(BASE + "&exposure=0.6"), 7.0).mean()
        < 0.75 * render(parse_synthetic_url(BASE), 7.0).mean()
    )
