"""Hat, mask and work-clothes scores, and where the face is taken to be when BlazeFace finds none."""

import cv2
import numpy as np
from pytest import MonkeyPatch

from detectors.perception import attributes
from detectors.perception.attributes import UNKNOWN, PersonAttributes, judge, without_head
from detectors.perception.colours import Lighting
from detectors.perception.skin_face import skin_face
from ingest.synthetic.people import draw_person, scale_at
from ingest.synthetic.scene import Layout
from tests.detectors import scenes

DOOR = (40, 70, 110)  # brown wood: skin-coloured in YCrCb, as real doors and cabinets often are
FLAME = (60, 150, 250)


def cook(background: np.ndarray, x: float, feet_y: float, **dress: bool) -> tuple[np.ndarray, tuple[float, ...]]:
    """A cook drawn like the synthetic camera's, and the box a person detector would give."""
    img = background.copy()
    lay = Layout.of(img.shape[1], img.shape[0])
    draw_person(img, lay, x, feet_y, 0.0, False, **dress)
    u = scale_at(lay, feet_y) / 10
    top = feet_y - (11.3 if dress.get("hat") else 9.8) * u  # the hat's crown, or the hair
    return scenes.roundtrip(img), (x - 2.0 * u, top, x + 2.0 * u, feet_y)


def test_a_cook_in_full_dress_scores_compliant_from_the_skin_face() -> None:
    img, box = cook(scenes.kitchen(seed=2), 320, 330, hat=True, mask=True, uniform=True)
    a = judge(img, box, None, Lighting.of(img))
    assert a.hat is not None and a.hat > 0.5 and a.mask is not None and a.mask > 0.5
    assert a.uniform is not None and a.uniform > 0.5 and not a.face_found


def test_a_bare_head_scores_no_hat() -> None:
    img, box = cook(scenes.kitchen(seed=2), 320, 330, hat=False, mask=True, uniform=True)
    a = judge(img, box, None, Lighting.of(img))
    assert a.hat is not None and a.hat < 0.2


def test_a_wooden_door_behind_the_head_is_not_taken_for_the_face() -> None:
    background = scenes.kitchen(seed=2)
    cv2.rectangle(background, (250, 60), (330, 330), DOOR, -1)  # reaches past the box's left side
    img, box = cook(background, 320, 330, hat=True, mask=True, uniform=True)
    lit = Lighting.of(img)
    # Door and head meet: the door's skin-coloured pixels reach the side of the head area and
    # are no face. Before, door and face were one blob whose top was the door's, and the band
    # above it (more door) scored "no hat". Now either a piece of the real face is found, under
    # the hat, or nothing is judged.
    face = skin_face(img, box, lit)
    assert face is None or face[0] > 290
    hat = judge(img, box, None, lit).hat
    assert hat is None or hat > 0.5


def test_flames_beside_the_head_do_not_move_the_face() -> None:
    background = scenes.kitchen(seed=2)
    _, box = cook(background, 320, 330, hat=True, mask=True, uniform=True)
    u = (box[2] - box[0]) / 4.0
    for dx in (-1.45, 1.45):  # flames left and right of the head: their rims are skin-coloured
        cx, cy = int(320 + dx * u), int(box[1] + 2.6 * u)
        cv2.ellipse(background, (cx, cy), (int(0.5 * u), int(1.0 * u)), 0, 0, 360, FLAME, -1)
    img, _ = cook(background, 320, 330, hat=True, mask=True, uniform=True)
    lit = Lighting.of(img)
    face = skin_face(img, box, lit)
    assert face is not None and abs((face[0] + face[2]) / 2 - 320) < 0.75 * u  # within the head
    a = judge(img, box, None, lit)
    assert a.hat is not None and a.hat > 0.5 and a.mask is not None and a.mask > 0.5


def test_a_face_found_on_a_dark_jacket_is_no_face_and_the_mask_is_not_judged() -> None:
    # The person detector's box starts at the shoulders of a cook in dark clothes; a face
    # detector's false "face" on the jacket must not be judged as a bare lower face.
    img, box = cook(scenes.kitchen(seed=2), 320, 330, hat=True, mask=True, uniform=False)
    u = (box[2] - box[0]) / 4.0
    shoulders = (box[0], box[1] + 3.0 * u, box[2], box[3])
    jacket_face = (320 - 1.0 * u, shoulders[1] + 0.3 * u, 320 + 1.0 * u, shoulders[1] + 2.3 * u)
    lit = Lighting.of(img)
    assert (
        float(
            (
                img[int(jacket_face[1]) : int(jacket_face[3]), int(jacket_face[0]) : int(jacket_face[2])].max(axis=2)
                < lit.dark_v
            ).mean()
        )
        > 0.5
    )  # the premise: that region is the dark jacket
    a = judge(img, shoulders, jacket_face, lit)
    assert not a.face_found and a.mask is None
    # A real face found by the detector is kept.
    real = judge(img, box, (320 - 0.75 * u, box[1] + 1.9 * u, 320 + 0.75 * u, box[1] + 3.4 * u), lit)
    assert real.face_found


def test_a_box_cut_at_the_shoulders_of_a_dark_jacket_judges_no_mask() -> None:
    # Only the chin shows above the collar: a speck of skin, not a face; the jacket under it is
    # not a bare lower face.
    img, box = cook(scenes.kitchen(seed=2), 320, 330, hat=True, mask=True, uniform=False)
    u = (box[2] - box[0]) / 4.0
    for top in (2.9, 3.1, 3.3):  # just above, at and below the chin
        a = judge(img, (box[0], box[1] + top * u, box[2], box[3]), None, Lighting.of(img))
        assert a.mask is None or a.mask > 0.5


def head(hat: bool) -> np.ndarray:
    """A small head on a white wall: hair or a white hat over a skin-coloured face."""
    img = np.full((240, 320, 3), 235, np.uint8)
    cv2.rectangle(img, (146, 60), (173, 71), (235, 235, 235) if hat else (40, 50, 70), -1)  # hat / hair
    cv2.rectangle(img, (146, 72), (173, 100), (120, 160, 215), -1)  # face skin
    cv2.rectangle(img, (130, 101), (190, 230), (240, 240, 240), -1)  # white jacket
    if hat:
        cv2.rectangle(img, (148, 40), (171, 60), (235, 235, 235), -1)
    return img


def test_a_face_box_that_starts_at_the_hair_still_sees_no_hat() -> None:
    """BlazeFace often boxes a small head from the top of its hair: the band above such a box is
    the wall, as light as a hat. The hair between that band and the skin says there is none."""
    lit = Lighting(light_v=155.0, dark_v=100.0)  # as Lighting.of finds in a lit kitchen
    face = (146.0, 60.0, 174.0, 100.0)  # from the hair's top to the chin
    bare = judge(head(False), (128.0, 58.0, 192.0, 230.0), face, lit).hat
    assert bare is not None and bare < 0.2
    hatted = judge(head(True), (128.0, 38.0, 192.0, 230.0), (146.0, 72.0, 174.0, 100.0), lit).hat
    assert hatted is not None and hatted > 0.5


def test_a_colleagues_hat_at_the_top_of_a_merged_box_is_not_the_bare_heads() -> None:
    """A hatless cook in front of a hatted one: the detector often gives one box for both, its top
    rows on the colleague's hat. With the face found, the band above it (hair) decides; the box's
    top rows only stand in for a face estimated from skin, which may lie on the background."""
    lit = Lighting(light_v=155.0, dark_v=100.0)
    img = np.full((240, 320, 3), (120, 110, 100), np.uint8)  # a grey-blue wall
    cv2.rectangle(img, (140, 20), (180, 50), (240, 240, 240), -1)  # the colleague's hat behind
    cv2.rectangle(img, (146, 51), (173, 71), (40, 50, 70), -1)  # hair
    cv2.rectangle(img, (146, 72), (173, 100), (160, 150, 150), -1)  # a face in cold light: not skin-coloured
    cv2.rectangle(img, (130, 101), (190, 230), (240, 240, 240), -1)  # white jacket
    a = judge(img, (128.0, 20.0, 192.0, 230.0), (146.0, 72.0, 174.0, 100.0), lit)
    assert a.face_found and a.hat is not None and a.hat < 0.2, a


def test_a_face_box_holding_the_hats_brim_before_a_brown_door_sees_the_hat() -> None:
    """BlazeFace boxes hat and face together; above the box, beside the hat's crown, is a brown
    door, dark and skin-coloured like hair. The box's own top third, white cloth, is the hat."""
    lit = Lighting(light_v=155.0, dark_v=100.0)
    img = np.full((240, 320, 3), (40, 70, 110), np.uint8)  # the door
    cv2.rectangle(img, (144, 54), (175, 75), (235, 235, 235), -1)  # the hat, its crown above the box
    cv2.rectangle(img, (146, 76), (173, 100), (120, 160, 215), -1)  # face skin
    cv2.rectangle(img, (130, 101), (190, 230), (240, 240, 240), -1)  # white jacket
    a = judge(img, (128.0, 50.0, 192.0, 230.0), (144.0, 58.0, 176.0, 100.0), lit)
    assert a.face_found and a.hat is not None and a.hat > 0.5, a


def test_a_face_box_over_the_whole_hat_before_a_brown_door_sees_the_hat() -> None:
    """Fresh stove seed 19809 at 71 s: the found box starts above the hat's crown, so the band
    above it is all door (dark, skin-coloured) and no crown shows there; inside the box, the
    hat's cloth runs from its top third down to the face's skin. That is a hat."""
    lit = Lighting(light_v=155.0, dark_v=100.0)
    img = np.full((240, 320, 3), DOOR, np.uint8)
    cv2.rectangle(img, (146, 62), (173, 88), (235, 235, 235), -1)  # the hat, its crown in the box
    cv2.rectangle(img, (148, 89), (171, 100), (120, 160, 215), -1)  # face skin under the brim
    cv2.rectangle(img, (130, 101), (190, 230), (240, 240, 240), -1)  # white jacket
    a = judge(img, (128.0, 56.0, 192.0, 230.0), (140.0, 60.0, 180.0, 100.0), lit)
    assert a.face_found and a.hat is not None and a.hat > 0.5, a


def test_a_bare_head_found_before_a_brown_door_is_no_hat() -> None:
    """The same box on a bare head: hair at its top, no cloth run over the skin. No hat."""
    lit = Lighting(light_v=155.0, dark_v=100.0)
    img = np.full((240, 320, 3), DOOR, np.uint8)
    cv2.rectangle(img, (146, 66), (173, 74), (30, 30, 35), -1)  # dark hair
    cv2.rectangle(img, (148, 75), (171, 100), (120, 160, 215), -1)  # face skin
    cv2.rectangle(img, (130, 101), (190, 230), (240, 240, 240), -1)  # white jacket
    a = judge(img, (128.0, 56.0, 192.0, 230.0), (140.0, 60.0, 180.0, 100.0), lit)
    assert a.hat is not None and a.hat < 0.2, a


def test_a_face_masked_to_the_eyes_under_a_hat_is_not_taken_for_the_hats_top() -> None:
    """Hat brim, a strip of skin with the eyes, a white mask: the found box is as light as a hat's
    top, but the only skin there is inside it. It is the face (compliant tuning clip 5736)."""
    lit = Lighting(light_v=155.0, dark_v=100.0)
    img = np.full((240, 320, 3), (120, 110, 100), np.uint8)  # a grey-blue wall
    cv2.rectangle(img, (144, 40), (175, 75), (235, 235, 235), -1)  # the hat
    cv2.rectangle(img, (146, 76), (173, 80), (120, 160, 215), -1)  # skin round the eyes
    cv2.rectangle(img, (146, 81), (173, 100), (225, 225, 220), -1)  # a white mask
    cv2.rectangle(img, (130, 101), (190, 230), (240, 240, 240), -1)  # white jacket
    face = (145.0, 64.0, 175.0, 102.0)
    a = judge(img, (128.0, 38.0, 192.0, 230.0), face, lit)
    assert a.face_found and a.face == face and a.hat is not None and a.hat > 0.5, a
    assert a.mask is not None and a.mask > 0.5, a


def hat_top(box: tuple[float, ...]) -> tuple[float, float, float, float]:
    """The box BlazeFace now and then gives a white hat's top (its shaded puff over the band)."""
    u = (box[2] - box[0]) / 4.0
    x = (box[0] + box[2]) / 2
    return (x - 0.8 * u, box[1] + 0.1 * u, x + 0.8 * u, box[1] + 1.7 * u)


def test_a_hats_top_found_as_a_face_with_the_wall_above_is_not_a_bare_head(monkeypatch: MonkeyPatch) -> None:
    """The band above such a "face" is the wall, neither a hat's white nor hair nor skin: it says
    nothing. When no face under the hat is found from skin either (a masked face's skin can be a
    strip below the head area), the hat is not judged rather than judged missing."""
    background = scenes.kitchen(seed=2)
    _, box = cook(background, 320, 330, hat=True, mask=True, uniform=True)
    cv2.rectangle(background, (280, 0), (360, int(box[1]) + 2), (150, 90, 120), -1)  # a purple tiled wall
    img, _ = cook(background, 320, 330, hat=True, mask=True, uniform=True)
    monkeypatch.setattr(attributes, "skin_face", lambda *_: None)
    a = judge(img, box, hat_top(box), Lighting.of(img))
    assert a.hat is None and a.face is None, a


def test_a_hats_top_found_as_a_face_gives_way_to_the_skin_face() -> None:
    """A carton on a shelf above the hat is skin-coloured, so the band above the false
    face looks like a head; the face found from skin under the hat says where the head is."""
    background = scenes.kitchen(seed=2)
    _, box = cook(background, 320, 330, hat=True, mask=True, uniform=True)
    cv2.rectangle(background, (290, 0), (350, int(box[1]) + 2), (60, 110, 158), -1)  # a brown carton
    img, _ = cook(background, 320, 330, hat=True, mask=True, uniform=True)
    lit = Lighting.of(img)
    a = judge(img, box, hat_top(box), lit)
    assert a.hat is not None and a.hat > 0.5 and not a.face_found, a
    assert a.face == skin_face(img, box, lit)


def masked_to_the_eyes(hat: bool) -> np.ndarray:
    """A head whose mask reaches up to the hair (or hat): only the cheeks beside the mask show
    skin, two thin strips, and a speck of neck under it."""
    img = np.full((240, 320, 3), (120, 110, 100), np.uint8)  # a grey-blue wall: not skin
    cv2.rectangle(img, (144, 36 if hat else 48), (175, 58), (235, 235, 235) if hat else (40, 50, 70), -1)
    cv2.rectangle(img, (146, 59), (173, 86), (120, 160, 215), -1)  # face skin
    cv2.rectangle(img, (150, 59), (169, 86), (210, 190, 150), -1)  # the mask over all but the cheeks
    cv2.rectangle(img, (155, 88), (164, 92), (120, 160, 215), -1)  # the neck, above the collar
    cv2.rectangle(img, (130, 93), (190, 230), (240, 240, 240), -1)  # white jacket
    return img


def test_a_face_masked_to_the_eyes_is_found_from_its_cheeks() -> None:
    """No skin piece is a face's width: the cheeks beside the mask, a face's width apart with the
    same top, say where the face is (not the neck speck under the mask), and the band above it
    is the hair or the hat (tuning seed no_hat 31 went unjudged for 7 s)."""
    lit = Lighting(light_v=155.0, dark_v=100.0)
    for hat in (False, True):
        img = masked_to_the_eyes(hat)
        box = (128.0, 36.0 if hat else 48.0, 192.0, 230.0)
        face = skin_face(img, box, lit)
        assert face is not None and abs(face[1] - 59) <= 1 and face[0] <= 148 and face[2] >= 172, face
        a = judge(img, box, None, lit)
        assert a.hat is not None and (a.hat > 0.5 if hat else a.hat < 0.2), (hat, a)
        assert a.mask is not None and a.mask > 0.5


def test_a_box_without_a_head_is_judged_for_clothes_on_the_whole_persons_torso() -> None:
    """No_uniform seed 20102: YOLOX boxed a cook in black from the chin down for seconds. The box
    reaches the whole cook's torso, so the jacket is judged there (dark: no uniform); a box round
    the legs of a cook in white (fresh compliant clip 24814) starts under it and says nothing."""
    bg = scenes.kitchen(seed=3)
    dark, (x1, top, x2, feet) = cook(bg, 320, 330, hat=True, mask=True, uniform=False)
    white, _ = cook(bg, 320, 330, hat=True, mask=True, uniform=True)
    h = feet - top
    chin = np.array([[x1, top + 0.2 * h, x2, feet]])
    legs = np.array([[x1, top + 0.55 * h, x2, feet]])
    look = PersonAttributes(0.9, 0.9, 0.9, None, False)
    tops, lit = np.array([top]), Lighting.of(dark)
    assert without_head(dark, chin, (look,), np.array([np.nan]), lit) == (look,)  # a box with a head: as judged
    cut = without_head(dark, chin, (look,), tops, lit)[0]
    assert cut.hat is None and cut.mask is None and cut.uniform is not None and cut.uniform < 0.2
    whole = without_head(white, chin, (look,), tops, Lighting.of(white))[0]
    assert whole.uniform is not None and whole.uniform > 0.8
    assert without_head(dark, legs, (look,), tops, lit) == (UNKNOWN,)


def test_a_wide_box_with_no_face_found_has_no_clothes_judged(monkeypatch: MonkeyPatch) -> None:
    """Compliant clip 25129: one box round a cook in white and the dark stove beside them (0.74
    times as wide as tall), no face found; its middle half is mostly the stove (uniform 0.34)."""
    bg = scenes.kitchen(seed=3)
    img, (x1, y1, x2, y2) = cook(bg, 320, 330, hat=True, mask=True, uniform=True)
    img[int(y1 + 0.3 * (y2 - y1)) : int(y2), int(x1 - 1.1 * (x2 - x1)) : int(x1)] = (30, 30, 30)  # the stove
    wide = (x1 - 1.1 * (x2 - x1), y1, x2, y2)
    lit = Lighting.of(img)
    judged = judge(img, wide, None, lit)
    assert judged.face is None and judged.uniform is None
    monkeypatch.setattr(attributes, "MAX_UNFACED_WIDTH", 9.0)
    misplaced = judge(img, wide, None, lit).uniform  # judged in the middle anyway: mostly the stove
    assert misplaced is not None and misplaced < 0.5
    narrow = judge(img, (x1, y1, x2, y2), None, lit)
    assert narrow.uniform is not None and narrow.uniform > 0.8


def test_a_bare_crown_says_no_hat_without_a_face(monkeypatch: MonkeyPatch) -> None:
    """With no face found at all (a head from behind, an eyes strip without skin's colour), a
    hair-dark crown over a lit head reads as a bare head; a hat's crown is not read as one (a box's
    top may be a colleague's hat behind the person), so no verdict."""
    monkeypatch.setattr(attributes, "skin_face", lambda *_: None)
    for hat in (False, True):
        img, box = cook(scenes.kitchen(seed=2), 320, 330, hat=hat, mask=True, uniform=True)
        a = judge(img, box, None, Lighting.of(img))
        assert a.face is None and a.mask is None
        assert (a.hat is None) if hat else (a.hat is not None and a.hat < 0.2), (hat, a)


def test_a_dark_crown_without_a_head_under_it_is_no_bare_head(monkeypatch: MonkeyPatch) -> None:
    """A box from a dark jacket's shoulders down is dark under its "crown" too; a dark door behind
    a hatted head's loose box is dark beside the head as well: neither is judged for a hat."""
    monkeypatch.setattr(attributes, "skin_face", lambda *_: None)
    img, box = cook(scenes.kitchen(seed=2), 320, 330, hat=True, mask=True, uniform=False)
    x1, y1, x2, y2 = box
    shoulders = (x1, y1 + 0.3 * (y2 - y1), x2, y2)
    assert judge(img, shoulders, None, Lighting.of(img)).hat is None
    background = scenes.kitchen(seed=2)
    cv2.rectangle(background, (240, 40), (400, 130), (30, 30, 30), -1)  # a dark cabinet above the hat
    img, box = cook(background, 320, 330, hat=True, mask=True, uniform=True)
    loose = (box[0], box[1] - 0.1 * (box[3] - box[1]), box[2], box[3])
    hat = judge(img, loose, None, Lighting.of(img)).hat
    assert hat is None or hat > 0.5


def test_two_cooks_in_one_box_the_bare_face_is_judged_not_the_colleagues_mask() -> None:
    """Fresh no_mask 20300: YOLOX boxed a bare-faced cook with the masked colleague just behind
    and beside them. The colleague's strip of skin between hat and mask lies higher up, so it was
    the top-most seed: beside the bare face it made a 55 px "face" judged on the mask (0.92), or
    alone it was no face and the bare one was not tried (nothing judged)."""
    for gap in (0.5, 0.6):  # the colleague's offset, in shares of a person box's width
        img = scenes.kitchen(seed=2).copy()
        lay = Layout.of(img.shape[1], img.shape[0])
        u = scale_at(lay, 300) / 10
        draw_person(img, lay, 300 + 4 * gap * u, 288, 0.0, False, hat=True, mask=True, uniform=True)
        draw_person(img, lay, 300, 300, 0.0, False, hat=True, mask=False, uniform=True)
        img = scenes.roundtrip(img)
        box = (300 - 2.0 * u, 300 - 11.3 * u, 300 + (2.0 + 2 * gap) * u, 300.0)
        lit = Lighting.of(img)
        face = skin_face(img, box, lit)
        assert face is not None and face[2] - face[0] < 2.0 * u and face[2] < 300 + 1.0 * u, (gap, face)
        a = judge(img, box, None, lit)
        assert a.mask is not None and a.mask < 0.2, (gap, a)
