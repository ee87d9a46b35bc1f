"""Zone state: the current picture, small and grey; an open bin lid no longer correlates with the
closed one, whatever the light."""

import numpy as np

from detectors.perception.zone_state import ZoneState, pattern_similarity, zone_mask
from tests.detectors.perception.synthetic_frames import frames, pixel_zone


def test_the_picture_is_small_grey_and_zones_map_onto_it() -> None:
    url = "synthetic://kitchen?width=640&height=360&seed=31"
    (_, img), = list(frames(url, 0.2))
    report = ZoneState().observe(img)
    assert report.current.shape == (180, 320) and report.current.dtype == np.float32
    assert report.scale == (0.5, 0.5)
    zone = pixel_zone(url, "bin")
    mask = zone_mask(zone, report.current.shape, report.scale)
    xs, ys = np.nonzero(mask)[1], np.nonzero(mask)[0]
    poly = np.asarray(zone.polygon) * 0.5
    assert abs(xs.min() - poly[:, 0].min()) <= 1 and abs(ys.max() - poly[:, 1].max()) <= 1


def test_an_open_lid_no_longer_correlates_with_the_closed_one() -> None:
    url = "synthetic://kitchen?width=320&height=180&seed=31&people=2&pose=1&exposure=0.8&script=bin_open@9+3"
    plugin, zone = ZoneState(), pixel_zone(url, "bin")
    views = {}
    for t, img in frames(url, 12):
        r = plugin.observe(img)
        views[round(t, 1)] = r.current[zone_mask(zone, r.current.shape, r.scale)]
    closed = views[2.0]
    same = pattern_similarity(closed, views[8.0])
    opened = pattern_similarity(closed, views[10.0])
    assert same is not None and same > 0.8
    assert opened is not None and opened < 0.5


def test_similarity_ignores_brightness_and_needs_texture() -> None:
    ref = np.random.default_rng(0).uniform(0, 255, 1600).astype(np.float32)
    same = pattern_similarity(ref, ref * 0.5 + 10)
    assert same is not None and abs(same - 1.0) < 1e-6
    assert pattern_similarity(np.full(1600, 9, np.float32), ref) is None  # a featureless reference
    assert pattern_similarity(ref[:8], ref[:8]) is None  # too few pixels
