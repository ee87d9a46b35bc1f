"""A known person's head changing (hat off, mask down) without a change the gate would open for."""

import numpy as np

from detectors.perception.head_change import HeadChange
from tests.detectors import scenes

BOX = np.array([[300.0, 100.0, 360.0, 300.0]])  # a cook 200 pixels tall; the head is the top 70


def kitchen() -> np.ndarray:
    img = scenes.with_walker(scenes.kitchen(seed=4), x=330, feet_y=300, hat=True)
    return scenes.roundtrip(img)


def test_a_change_at_the_head_counts_and_one_lower_down_does_not() -> None:
    heads, img = HeadChange(), kitchen()
    heads.looked(img)
    assert not heads.changed(scenes.roundtrip(img), BOX)  # the JPEG hop's noise is no change
    masked = img.copy()
    masked[140:152, 322:340] = (235, 205, 150)  # a light blue mask over mouth and nose (12 x 18 pixels)
    assert heads.changed(masked, BOX)
    waist = img.copy()
    waist[220:240, 310:350] = (40, 160, 250)  # flames in front of the cook's apron
    assert not heads.changed(waist, BOX)
    assert not heads.changed(masked, np.array([[500.0, 100.0, 560.0, 300.0]]))  # not where anybody is


def test_lighting_drift_is_no_change_and_nothing_is_judged_before_a_look() -> None:
    heads, img = HeadChange(), kitchen()
    assert not heads.changed(img, BOX)
    heads.looked(img)
    darker = (img.astype(np.float32) * 0.8).astype(np.uint8)
    assert not heads.changed(darker, BOX)
    heads.reset()
    assert not heads.changed(darker, BOX)
