"""Hygiene attributes of one person from pixels: chef hat, face mask, light work clothes.

No offline model exists for these (FACTS), so they are classical measurements on regions placed
from the person box and, when one is found, the face box:

- the face: the BlazeFace box, else the face-sized skin-coloured blob nearest the middle of the
  head area (masked faces are hard for BlazeFace; the skin above the mask still marks where the
  face is). BlazeFace now and then boxes a white hat's top: a light box with hardly any skin and
  no hair above it, or one with the wall above it (neither a hat's white nor hair nor skin), is
  taken for that;
- hat: share of light, unsaturated pixels in the band just above the face (hair or bare head is
  dark or skin-coloured; a white hat or cap is light), or, for a face estimated from skin, in
  the middle of the box's top rows when that is more (a skin blob on the background must not
  hide a hat; a face BlazeFace found is the person's, and the box's top may be a colleague's hat).
  With no face at all, a hair-dark crown over a lit head is a bare head (a head from behind);
- mask: share of the lower face's lit pixels that are not skin-coloured (a blue/white mask covers
  it; lips and chin do not count as covered, and dark pixels, a beard or a jacket under a face
  placed too low, count neither way);
- uniform: share of light, unsaturated pixels on the torso.

Each score is 0..1 and means "looks compliant"; rules turn scores into findings with thresholds
from their sensitivity. A score is ``None`` when the region cannot be seen (face not found, person
too small, box cut by the picture edge): rules do not judge what they cannot see.
"""

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from detectors.perception.base import Image
from detectors.perception.colours import (
    BoolImage,
    Box,
    Lighting,
    crop,
    dark_mask,
    flame_colour,
    light_mask,
    skin_chroma,
    skin_mask,
)
from detectors.perception.skin_face import HAIR_ROWS, MAX_FACE_OFFSET, skin_face

MIN_PERSON_PX = 60  # shorter person boxes are too small to judge a face or a hat
MIN_LIT_LOWER = 0.25  # the lower face is judged for a mask only when at least this share is lit
# A found face with at least this share of flame-coloured pixels that are not skin-coloured is the
# burners (faces found in the flames beside a cook's head: 0.075-0.21 in tuning and fresh scenes;
# real faces, bare ones before the stove included, at most 0.025; flame colour alone reaches 0.10
# on a bare face's saturated skin, so skin-coloured pixels do not count).
MAX_FACE_FLAME = 0.05
# Rows of a person box judged for a hat's top, in box heights from its top: not the very top, which
# a loose box fills with the wall behind a bare head.
CROWN = (0.02, 0.09)
HAT_BAND = 0.35  # height of the band above the face judged for a hat, in face widths
# A face box (found or estimated) that is more than this share dark is no face: forehead, cheeks
# and a mask are lit; eyes, brows and hair take far less.
MAX_FACE_DARK = 0.5
# The band above a face is on a head when it is light (a hat) or at least this share hair-dark or
# skin-coloured. Otherwise it is the wall: the "face" is no face but a hat's top, which BlazeFace
# takes for one now and then (a shaded puff over a light box), and the band above it says nothing.
MIN_HEAD_BAND = 0.3
# A found face at least this share light (a hat's white), with under MAX_HAT_FACE_SKIN skin and
# no hair above it (under MAX_HAT_FACE_HAIR of the band dark), is a hat's top. A masked face is as
# light (a white mask, the collar), but hair or a hat lies above it.
MIN_HAT_FACE_LIGHT = 0.75
MAX_HAT_FACE_SKIN = 0.2
MAX_HAT_FACE_HAIR = 0.3
# A found face box whose top third (middle columns) is at least this share white (a hat's cloth:
# brighter and greyer than skin, even overexposed skin) holds the hat's brim: BlazeFace boxed hat
# and face together, and the band above the box is whatever is behind the hat (a dark door read
# as hair: stove_unattended tuning seed 2, fresh seed 10010).
# The hat's crown still shows above the box, over at least this share of the band there: a pale
# face in cold light is as white and grey, but hair lies above it.
MIN_HAT_INSIDE = 0.6
HAT_ABOVE_INSIDE = 0.2
# Or, with the box's top over the crown (the wall or a door above it), the face's skin starts
# under the cloth inside the box: a run of at least CLOTH_RUN face heights of rows, each at least
# MIN_CLOTH_ROW light, from the box's top third down to skin rows (fresh stove seed 19809 at 71 s:
# a brown door above and beside the box read as hair, and as skin, over a hat 0.83 white).
CLOTH_RUN = 0.25
MIN_CLOTH_ROW = 0.6
MIN_SKIN_ROW = 0.4
WHITE_MAX_SATURATION = 40
# With no face found, a crown at least MIN_CROWN_HAIR hair-dark, between sides of the box under
# MAX_SIDE_DARK dark (the wall beside a head, not a dark door behind a hat) and over a lit head
# (under MAX_FACE_DARK dark: a face or a mask, not a dark jacket's shoulders) is a bare head.
MIN_CROWN_HAIR = 0.6
MAX_SIDE_DARK = 0.5
HEAD_UNDER = (0.1, 0.18)  # rows of a bare head's box under its hair (eyes, mask), in box heights
TORSO = (0.3, 0.55)  # rows of a person box judged for light work clothes, in box heights from its top
MAX_UNFACED_WIDTH = 0.7  # a box wider than this share of its height, with no face found, has no torso judged


@dataclass(frozen=True)
class PersonAttributes:
    hat: float | None
    mask: float | None
    uniform: float | None
    face: Box | None  # the face box used (pixels), found or estimated
    face_found: bool  # True when BlazeFace found it, False when estimated from skin


UNKNOWN = PersonAttributes(None, None, None, None, False)


def without_head(
    image: Image,
    boxes: NDArray[np.float64],
    looks: tuple[PersonAttributes, ...],
    tops: NDArray[np.float64],
    lit: Lighting,
) -> tuple[PersonAttributes, ...]:
    """``looks`` with those of boxes without a head (``tops``: the top of the whole person each is
    a part of, NaN for a box with a head) replaced by the clothes alone, on the whole person's
    torso (:func:`torso_uniform`), measured only when the box reaches up to it. A box cut at the
    chin of a cook in black (YOLOX lost the hat and face for seconds) holds the jacket; one round a
    cook's legs holds their trousers, which say nothing of the jacket (fresh compliant clip 24814)."""
    if np.isnan(tops).all():
        return looks
    out = []
    for box, look, top in zip(boxes, looks, tops.tolist(), strict=True):
        if np.isnan(top):
            out.append(look)
        elif box[1] - top > TORSO[0] * (box[3] - top):
            out.append(UNKNOWN)  # the box starts under the torso: legs
        else:
            uniform = torso_uniform(image, box[0], box[2], top, box[3], lit)
            out.append(PersonAttributes(None, None, uniform, None, False))
    return tuple(out)


def torso_uniform(image: Image, x1: float, x2: float, top: float, bottom: float, lit: Lighting) -> float | None:
    """The light unsaturated share of the torso (``TORSO`` rows of the person standing from
    ``top`` to ``bottom``, the middle half of ``x1``-``x2``)."""
    w, h = x2 - x1, bottom - top
    torso = crop(image, x1 + 0.25 * w, top + TORSO[0] * h, x2 - 0.25 * w, top + TORSO[1] * h)
    return _fraction(light_mask(torso, lit)) if torso.size else None


def _flames(image: Image, face: Box) -> bool:
    """Whether the found ``face`` is flames: BlazeFace now and then finds "a face" in the burners
    just beside a masked cook's head, near enough to the box's middle to pass for theirs (fresh
    compliant clip 21001 at 118 s, 25 px off it: mask 0.26-0.28, a false no_mask)."""
    region = crop(image, *face)
    if region.size == 0:
        return False
    return float(((flame_colour(region) > 0) & ~skin_chroma(region)).mean()) >= MAX_FACE_FLAME


def _lit(image: Image, face: Box | None, lit: Lighting) -> Box | None:
    """``face``, unless more than ``MAX_FACE_DARK`` of it is dark: then it is no face but a dark
    jacket, or the chin above a dark collar, when the person box starts at the shoulders."""
    if face is None:
        return None
    region = crop(image, *face)
    if region.size and float(dark_mask(region, lit).mean()) > MAX_FACE_DARK:
        return None
    return face


def _bare_crown(image: Image, person: Box, lit: Lighting) -> float | None:
    """The light share of a bare head's crown (hair, low) when the box's top is one: hair-dark in
    the middle, not at the sides, over a lit face or mask; None otherwise. A head seen from behind,
    or a masked bare head in dim light whose eyes strip lost skin's colour to JPEG, has no face to
    place a hat's band above (fresh no_hat 20210: no hat verdict for 4.6 s)."""
    x1, y1, x2, y2 = person
    pw, ph = x2 - x1, y2 - y1
    rows = (y1 + CROWN[0] * ph, y1 + CROWN[1] * ph)
    middle = crop(image, x1 + 0.4 * pw, rows[0], x2 - 0.4 * pw, rows[1])
    sides = [crop(image, x1, rows[0], x1 + 0.15 * pw, rows[1]), crop(image, x2 - 0.15 * pw, rows[0], x2, rows[1])]
    under = crop(image, x1 + 0.4 * pw, y1 + HEAD_UNDER[0] * ph, x2 - 0.4 * pw, y1 + HEAD_UNDER[1] * ph)
    if min(middle.size, under.size, *(side.size for side in sides)) < 12 * 3:
        return None

    def dark(region: Image) -> float:
        return float(dark_mask(region, lit).mean())

    if dark(middle) < MIN_CROWN_HAIR or dark(under) > MAX_FACE_DARK or max(map(dark, sides)) > MAX_SIDE_DARK:
        return None
    return _fraction(light_mask(middle, lit))


def _fraction(mask: BoolImage) -> float | None:
    return float(mask.mean()) if mask.size >= 12 else None


@dataclass(frozen=True)
class _Band:
    """What the band just above a face shows (mid forehead for BlazeFace, hairline for skin)."""

    light: float  # share of a hat's light, unsaturated pixels
    hair: float  # share of hair-dark pixels
    on_head: bool  # light, or hair-dark or skin-coloured enough (MIN_HEAD_BAND): not the wall


def _read_band(image: Image, face: Box, lit: Lighting) -> _Band | None:
    """The band above ``face``: a hat's brim or hair. None when it would reach above the picture
    or is too small to judge."""
    fx1, fy1, fx2, _ = face
    fw = fx2 - fx1
    band = crop(image, fx1 + 0.2 * fw, fy1 - HAT_BAND * fw, fx2 - 0.2 * fw, fy1)
    if fy1 - HAT_BAND * fw < 0 or band.shape[0] * band.shape[1] < 12:
        return None
    light = float(light_mask(band, lit).mean())
    dark = dark_mask(band, lit)
    head = float((dark | skin_mask(band, lit)).mean())
    return _Band(light, float(dark.mean()), light >= 0.5 or head >= MIN_HEAD_BAND)


def _hair_aboveskin_mask(image: Image, face: Box, lit: Lighting) -> float | None:
    """The light share of the band just above the topmost skin row of the face's middle columns
    (a hat's brim, or hair): unlike the band above the face box, it does not fall on the wall
    behind a small head whose face box starts at the hair. None when no skin row is found."""
    fx1, fy1, fx2, fy2 = face
    fw, fh = fx2 - fx1, fy2 - fy1
    top = fy1 - HAT_BAND * fw
    strip = crop(image, fx1 + 0.2 * fw, top, fx2 - 0.2 * fw, fy1 + 0.6 * fh)
    if strip.shape[0] < 4 or strip.shape[1] < 3 or top < 0:
        return None
    # A skin row with hair under it is no forehead but the head's outline: the blend of a light
    # wall (a range hood) and dark hair has skin's chroma for a row or two, and the band above it
    # is the wall, read as a hat (tuning no_hat seed 10: a bare head under the hood, hat 0.67).
    dark = dark_mask(strip, lit).mean(axis=1)
    skin = np.flatnonzero(skin_mask(strip, lit).mean(axis=1) >= 0.4)
    rows = [r for r in skin if r + 1 >= len(dark) or dark[r + 1 : r + 1 + HAIR_ROWS].mean() < 0.5]
    if not rows:
        return None
    band = strip[max(0, int(rows[0]) - max(2, round(HAT_BAND * fw))) : int(rows[0])]
    return _fraction(light_mask(band, lit)) if band.shape[0] >= 2 else None


def _hat_inside(image: Image, face: Box, lit: Lighting) -> float | None:
    """The white share of the top third of a found face box, its middle columns (a hat's brim
    boxed with the face); None when too small to judge."""
    fx1, fy1, fx2, fy2 = face
    fw, fh = fx2 - fx1, fy2 - fy1
    region = crop(image, fx1 + 0.2 * fw, fy1, fx2 - 0.2 * fw, fy1 + fh / 3)
    if region.shape[0] * region.shape[1] < 12:
        return None
    hsv = cv2.cvtColor(region, cv2.COLOR_BGR2HSV)
    return float(((hsv[:, :, 2] >= lit.light_v) & (hsv[:, :, 1] <= WHITE_MAX_SATURATION)).mean())


def _skin_under_cloth(image: Image, face: Box, lit: Lighting) -> bool:
    """Whether, in the middle columns of the found ``face`` box, a run of light rows (a hat's
    cloth) starting in its top third reaches down to skin rows (the face under the brim)."""
    fx1, fy1, fx2, fy2 = face
    fw, fh = fx2 - fx1, fy2 - fy1
    strip = crop(image, fx1 + 0.2 * fw, fy1, fx2 - 0.2 * fw, fy2)
    if strip.shape[0] < 4 or strip.shape[1] < 3:
        return False
    light = light_mask(strip, lit).mean(axis=1) >= MIN_CLOTH_ROW
    skin = skin_mask(strip, lit).mean(axis=1) >= MIN_SKIN_ROW
    start = np.flatnonzero(light[: max(1, len(light) // 3)])
    if not len(start):
        return False
    end = int(start[0])
    while end < len(light) and light[end]:
        end += 1
    return end - int(start[0]) >= max(HAIR_ROWS, CLOTH_RUN * fh) and bool(skin[end : end + HAIR_ROWS].any())


def _within(inner: Box, outer: Box) -> bool:
    """Whether box ``inner`` lies inside ``outer`` (its centre inside, its bottom no lower)."""
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    below = inner[3] - outer[3]
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3] and below <= 0.1 * (outer[3] - outer[1])


def _hat_top(image: Image, face: Box, above: _Band, lit: Lighting) -> bool:
    """Whether the found ``face`` is a white hat's top: light, hardly any skin, no hair above."""
    region = crop(image, *face)
    if region.shape[0] * region.shape[1] < 12 or above.hair >= MAX_HAT_FACE_HAIR:
        return False
    light, skin = float(light_mask(region, lit).mean()), float(skin_mask(region, lit).mean())
    return light >= MIN_HAT_FACE_LIGHT and skin < MAX_HAT_FACE_SKIN


def judge(image: Image, person: Box, face: Box | None, lit: Lighting) -> PersonAttributes:
    """Hat, mask and uniform scores of the person in box ``person`` (pixels of ``image``)."""
    x1, y1, x2, y2 = person
    ph, pw = y2 - y1, x2 - x1
    if ph < MIN_PERSON_PX or pw < 8:
        return UNKNOWN
    uniform = torso_uniform(image, x1, x2, y1, y2, lit)
    face = _lit(image, face, lit)
    if face is not None and abs((face[0] + face[2]) / 2 - (x1 + x2) / 2) > MAX_FACE_OFFSET * pw:
        # Not this person's face: BlazeFace found "a face" in the flames and the stove's dark
        # band beside a masked cook's head (fresh compliant clip 19036: no mask, 0.06).
        face = None
    if face is not None and _flames(image, face):
        face = None  # the burners beside the head; the face is estimated from skin instead
    above = _read_band(image, face, lit) if face is not None else None
    rejected = None
    if face is not None and above is not None and (not above.on_head or _hat_top(image, face, above, lit)):
        rejected, face = face, None  # BlazeFace's "face" is a hat's top: the real face is under it
    found = face is not None
    if face is None:
        face = _lit(image, skin_face(image, person, lit), lit)
        if face is not None and rejected is not None and _within(face, rejected):
            # The only skin is inside the "hat's top": the eyes between a hat's brim and a mask
            # (compliant tuning clip 5736). The box was the face, masked to the eyes, after all.
            face, found = rejected, True
        above = _read_band(image, face, lit) if face is not None else None
    hat = above.light if above is not None and above.on_head else None
    if face is None and pw > MAX_UNFACED_WIDTH * ph:
        # No face to say where in a wide box the person stands: its middle may be beside them
        # (one box round a cook and the dark stove beside them, uniform 0.34: compliant clip 25129).
        uniform = None
    if y1 <= 1:  # the head is cut by the top edge
        return PersonAttributes(None, None, uniform, None, False)
    if face is None:  # no face seen: only a bare crown says anything of the hat
        crowned = _bare_crown(image, person, lit) if pw <= MAX_UNFACED_WIDTH * ph else None
        return PersonAttributes(crowned, None, uniform, None, False)
    fx1, fy1, fx2, fy2 = face
    fw, fh = fx2 - fx1, fy2 - fy1
    # The crown: the middle fifth of the box's top rows, a hat's top or the hair. A face estimated
    # on the background behind the head (a jar on a shelf) puts the band on the wall; a hat still
    # shows here, and either measure seeing one is enough. A face BlazeFace found is the person's
    # own: the box's top may then be a hatted colleague's behind them (one box for two people).
    crown = crop(image, x1 + 0.4 * pw, y1 + CROWN[0] * ph, x2 - 0.4 * pw, y1 + CROWN[1] * ph)
    top = _fraction(light_mask(crown, lit)) if crown.size else None
    if hat is not None and top is not None and not found:
        hat = max(hat, top)
    bare = _hair_aboveskin_mask(image, face, lit)
    if hat is not None and bare is not None:
        hat = min(hat, bare)
    crowned = above is not None and above.light >= HAT_ABOVE_INSIDE
    if found and (crowned or _skin_under_cloth(image, face, lit)) and (hat is None or hat < MIN_HAT_INSIDE):
        inside = _hat_inside(image, face, lit)
        if inside is not None and inside >= MIN_HAT_INSIDE:
            hat = inside
    if not found and top is not None and top >= 0.5 and fy1 < y1 + CROWN[1] * ph:
        # A skin blob up in the hat is background seen past it (a jar, a shelf), not the face:
        # the hat is judged from the crown and the mask not at all.
        return PersonAttributes(top, None, uniform, None, False)
    lower = crop(image, fx1 + 0.25 * fw, fy1 + 0.5 * fh, fx2 - 0.25 * fw, fy1 + 0.85 * fh)
    return PersonAttributes(hat, _covered(lower, lit), uniform, face, found)


def _covered(lower: Image, lit: Lighting) -> float | None:
    """The share of the lower face's lit pixels that are not skin (a mask covers them); None when
    under MIN_LIT_LOWER of it is lit. Dark pixels say nothing either way: a beard, a mouth, a
    shadow, or the dark jacket under a small masked face whose "lower half" was placed below the
    mask (fresh no_uniform seed 16004: mask 0.26 over the jacket, a false no_mask)."""
    if lower.size == 0:
        return None
    lit_px = lower.max(axis=2) >= lit.dark_v
    seen = int(np.count_nonzero(lit_px))
    if seen < max(12, MIN_LIT_LOWER * lit_px.size):
        return None
    return float(np.count_nonzero(lit_px & ~skin_mask(lower, lit))) / seen
