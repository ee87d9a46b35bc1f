"""Where a face is when no face detector found it: the skin blobs in the head area of a person box
(masked faces are hard for BlazeFace; the skin above the mask still marks where the face is)."""

import cv2
import numpy as np

from detectors.perception.base import Image
from detectors.perception.colours import BoolImage, Box, Lighting, crop, dark_mask, near_flames, skin_mask

MIN_FACE_PX = 8
# A face seed is at least this many rows tall: a two-row strip of skin colour along a white hat's
# band (JPEG's halved chroma bleeds a face's colour into it) is no forehead. Taken for one, it put
# a small masked face's top up in the hat and its "lower half" on the eyes (fresh compliant clip
# 21049 at 31.8 s: mask 0.16, a false no_mask).
MIN_SEED_ROWS = 3
MAX_FACE_SHARE = 0.6  # a face is at most this share of its person box's width
MIN_FACE_SHARE = 0.2  # and at least this share (a head is about a third of a person's width)
OPEN_KERNEL = np.ones((2, 2), np.uint8)
MAX_FACE_OFFSET = 0.25  # a face's centre is at most this share of the box width off its middle
# A face starts under the hair or the hat, at least this share of the person's height under the
# box's top: skin-coloured there is the background past the head (a jar on the shelf behind a
# hat's top made a masked cook's "face", fresh compliant clip 19048).
MIN_FACE_TOP = 0.03
# and at most this share: skin lower down is a hand or an arm (fresh compliant clip 19008: a box
# over the gap between two cooks had a hand a third of the way down, read as an unmasked face).
# Estimated faces of cooks start at 0.17 of the box's height (median; 99 % under 0.24).
MAX_FACE_TOP = 0.25
MAX_FLAME_SHARE = 0.5  # a skin piece with more of its pixels that near flames is a flame's outline
# Skin beside a face's seed widens it when it is at most the seed's width or this share of the
# person's width away: a forehead split by the eyes, not the chin below a mask joined to the glow
# under a burner 70 px off (fresh compliant clip 20001).
BESIDE_GAP = 0.1
HAIR_ROWS = 4  # rows under a skin row looked at for hair (the head's outline is skin-coloured)
# Hair is dark with specks of skin's colour (its blend with the light between strands): rows under
# a face's top row at least this share dark are hair, not forehead (an eyebrow darkens one row).
UNDER_HAIR = 0.3
MAX_HAIR_IN_FACE = 0.6  # an estimated face's top is moved down under hair by at most this share of its height
# A face is at least this share of its person box's width tall (hairline to chin: 1.2 of a head's
# 1.5 in a box 4 wide, arms beside). Skin narrower than the head (the eyes strip of a small masked
# face, split at an eye: 13x8 px in a box 65 wide) gave a face as short as itself, and its "lower
# half" was the eyes: mask 0.14-0.29 for 1.2 s (fresh displaced scene 20100 at 38.6 s, HOG off).
# Bare faces' skin is 0.7-0.8 of its width tall (fresh no_mask 20203), so its height stands.
MIN_FACE_HEIGHT = 0.25
# The width that floor is taken of is at most this share of the box's height: one person's. A box
# round two cooks side by side (97x180 px) made a bare face's 17 rows of skin 24 tall, and its
# "lower half" the white collar under the chin: mask 0.39-0.46 for 3.4 s (fresh no_mask 20607).
ONE_PERSON_WIDTH = 0.45
# A seed a head wide and this share of its width tall is a whole bare face (its skin is 0.7-0.8
# of its width tall, fresh no_mask 20203): skin beside it is not the rest of a forehead split by
# the eyes but a colleague's, two cooks in one box (fresh no_mask 20300 at 29.4 s).
WHOLE_FACE = 0.6

Part = tuple[int, int, int, int, int]  # a skin piece: top, left, width, height, pixels


def skin_face(image: Image, person: Box, lit: Lighting) -> Box | None:
    """A face box estimated from the skin blobs in the head area of ``person``."""
    x1, y1, x2, y2 = person
    ph, pw = y2 - y1, x2 - x1
    ax1, ay1 = x1 + 0.1 * pw, y1
    area = crop(image, ax1, ay1, x2 - 0.1 * pw, y1 + 0.35 * ph)
    if area.size == 0:
        return None
    # Opening drops one-pixel lines: the blend of dark hair and a light wall along the head's
    # outline has skin's colour and would join the forehead into a ring reaching the hair's top.
    skin = cv2.morphologyEx(skin_mask(area, lit).astype(np.uint8), cv2.MORPH_OPEN, OPEN_KERNEL)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(skin, connectivity=8)
    # Pieces mostly beside flames are their outlines (a face before a stove has only its edge there).
    near = np.bincount(labels[near_flames(area)], minlength=len(stats))
    burning = set(np.flatnonzero(near > MAX_FLAME_SHARE * stats[:, cv2.CC_STAT_AREA]).tolist())
    # Face skin: blobs near the person's middle, not reaching the side or the top of the head area
    # (that is skin-coloured background, a wooden door or a box on a shelf behind the person, maybe
    # run together with the face; a face has hair or a hat above it). Flames and wood beside the
    # head can be larger than a masked face's forehead, so size does not choose: the top-most
    # face-sized blob does (the forehead above a mask, not the chin below it); then the pieces
    # beside it with the same top (eyes split a forehead at the hat's edge; flames beside a head
    # start elsewhere) widen it and the pieces under it (the chin) make it span the mask.
    middle = 0.4 * pw  # the person's middle, in head-area pixels
    parts = [
        (int(by), int(bx), int(bw), int(bh), int(n))
        for label, (bx, by, bw, bh, n) in enumerate(stats[1:], 1)
        if n >= 4
        and label not in burning
        and bx > 0
        and by >= max(1.0, MIN_FACE_TOP * ph)
        and bx + bw < skin.shape[1]
        and abs(bx + 0.5 * bw - middle) <= MAX_FACE_OFFSET * pw
    ]
    dark = dark_mask(area, lit)
    seeds = [
        p
        for p in parts
        if p[2] >= MIN_FACE_PX and p[3] >= MIN_SEED_ROWS and p[4] >= 0.1 * p[2] * p[2] and p[2] <= MAX_FACE_SHARE * pw
    ]
    seeds += _cheeks(parts, pw, middle)
    tried: list[Part] = []
    for seed in sorted(seeds):
        # A seed beside one that gave no face is another head in the box (two cooks side by side,
        # the colleague's forehead strip higher up); one under it is the chin below a mask.
        if all(seed[1] >= t[1] + t[2] or t[1] >= seed[1] + seed[2] for t in tried):
            face = _face_of(seed, parts, dark, pw, ph)
            if face is not None:
                return (ax1 + face[0], ay1 + face[1], ax1 + face[2], ay1 + face[3])
            tried.append(seed)
    return None


def _face_of(seed: Part, parts: list[Part], dark: BoolImage, pw: float, ph: float) -> Box | None:
    """The face grown from ``seed`` (head-area pixels), or None when it is no face."""
    by, bx, bw, bh, _ = seed
    left, right, bottom = bx, bx + bw, by + bh
    fit, reach = max(2.0, 0.3 * bh), max(bw, BESIDE_GAP * pw)
    whole = bw >= MIN_FACE_SHARE * pw and bh >= WHOLE_FACE * bw  # skin beside it is another head's
    for oy, ox, ow, oh, _ in parts:  # beside: the same top as the seed (a forehead split by the eyes)
        if not whole and abs(oy - by) <= fit and ox - (bx + bw) <= reach and bx - (ox + ow) <= reach:
            left, right, bottom = min(left, ox), max(right, ox + ow), max(bottom, oy + oh)
    bx, bw = left, min(right - left, int(MAX_FACE_SHARE * pw))
    if bw < MIN_FACE_SHARE * pw:
        return None  # a speck of skin (a chin above the collar, a hand), not a head's width
    for oy, ox, ow, oh, _ in parts:  # under: within a face's height, columns shared
        if by < oy <= by + 1.3 * bw and ox < bx + bw and bx < ox + ow:
            bottom = max(bottom, oy + oh)
    bh = bottom - by
    # Skin reaching round a mask to the chin gives the face's height; a blob cut short by the
    # mask (forehead and eyes only) does not, and a face is about as tall as wide from the hairline.
    least = MIN_FACE_HEIGHT * min(pw, ONE_PERSON_WIDTH * ph)
    fh = max(min(float(bh), 1.3 * bw) if bh >= 0.6 * bw else float(bw), least)
    below = _under_hair(dark, by, bx, bw, fh)  # a face does not start in the hair
    if below is None:
        return None  # hair and its outline, no face
    if below > MAX_FACE_TOP * ph:
        return None  # too far down the box for a face
    return (bx, below, bx + bw, by + fh)


def _under_hair(dark: BoolImage, top: int, left: int, width: int, height: float) -> int | None:
    """The first row from ``top``, in the upper part of a face (``left``, ``width``), that is not
    hair and has no hair under it (the head's outline is skin-coloured above the hair); None when
    there is none: the "face" is hair. A face masked up to the hairline shows no skin but at its
    sides, and the skin pieces found there start in the hair (fresh no_hat seed 13011: the wall
    above the hair read as a hat)."""
    middle = dark[:, left + width // 5 : left + width - width // 5]
    for row in range(top, min(len(middle) - 1, top + int(MAX_HAIR_IN_FACE * height))):
        if middle[row].mean() < 0.5 and middle[row + 1 : row + 1 + HAIR_ROWS].mean() < UNDER_HAIR:
            return row
    return None


def _cheeks(parts: list[Part], pw: float, middle: float) -> list[Part]:
    """Face seeds (top, left, width, height, pixels) from pairs of skin pieces with the same top
    either side of the person's middle, a face's width apart: the cheeks beside a mask that
    reaches up to the eyes, under hair that reaches down to them (nothing else of the face shows).
    Not a piece a head wide: that is a whole face, and beside it a colleague's strip of forehead
    (two cooks in one box, fresh no_mask 20300 at 29.4 s: a 55 px "face" on the colleague's mask)."""
    seeds = []
    cheeks = [p for p in parts if p[2] < MIN_FACE_SHARE * pw]  # a piece a head wide is a face of its own
    for a in cheeks:
        for b in cheeks:
            left, right = a[1], b[1] + b[2]
            if a[1] + a[2] > b[1] or abs(a[0] - b[0]) > max(2.0, 0.3 * max(a[3], b[3])):
                continue
            if not MIN_FACE_SHARE * pw <= right - left <= MAX_FACE_SHARE * pw:
                continue
            if a[1] + a[2] > middle or b[1] < middle or abs((left + right) / 2 - middle) > MAX_FACE_OFFSET * pw:
                continue
            seeds.append((min(a[0], b[0]), left, right - left, max(a[3], b[3]), a[4] + b[4]))
    return seeds
