"""A small district for the browser tests and screenshots: three schools, nine cameras, a week
of events in every workflow status, camera status history, and one user per role."""

import time
from dataclasses import dataclass

import cv2
import numpy as np

from api.auth.principal import Principal
from api.camera_log import StatusLog
from api.db import Database
from api.event_store import upsert_event
from api.media import MediaStore
from api.site_store import apply_site
from api.users import create_user
from api.workflow import Evidence, transition
from core.contracts import Box, CameraStatus, Event, event_id
from core.site import Site

PASSWORD = "web-password-1"
USERS: dict[str, tuple[str, str | None]] = {
    "admin": ("admin", None),
    "regulator": ("regulator", None),
    "inspector": ("inspector", None),
    "manager_a": ("canteen_manager", "school-a"),
    "manager_b": ("canteen_manager", "school-b"),
}
SCHOOLS = {
    "school-a": ("阳光小学 Sunny Primary", [("a-cook", "烹饪间 Cooking"), ("a-prep", "切配间 Prep"),
                                           ("a-wash", "清洗消毒 Washing"), ("a-store", "仓库 Store")]),
    "school-b": ("育才中学 Yucai Middle", [("b-cook", "烹饪间 Cooking"), ("b-serve", "备餐间 Serving"),
                                          ("b-cold", "专间 Cold dishes")]),
    "school-c": ("希望小学 Hope Primary", [("c-cook", "烹饪间 Cooking"), ("c-wash", "清洗间 Washing")]),
}
W, H = 640, 360
DAY_MS = 86_400_000


def site() -> Site:
    return Site.model_validate({
        "district": "示范区 Demo district",
        "schools": [
            {"id": sid, "name": name, "kitchens": [{"id": "k", "name": "厨房"}],
             "cameras": [{"id": cid, "name": cname, "kitchen": "k", "url": "synthetic://kitchen"}
                         for cid, cname in cams]}
            for sid, (name, cams) in SCHOOLS.items()
        ],
    })


def kitchen_jpeg(seed: int, shade: int = 0) -> bytes:
    """A plain drawing of a kitchen corner (tiles, a stove, a person), different per seed."""
    rng = np.random.default_rng(seed)
    img = np.full((H, W, 3), (200 - shade, 205 - shade, 210 - shade), np.uint8)
    for x in range(0, W, 40):
        cv2.line(img, (x, 0), (x, 200), (170, 175, 180), 1)
    for y in range(0, 200, 40):
        cv2.line(img, (0, y), (W, y), (170, 175, 180), 1)
    img[200:] = (120, 130, 140)
    sx = int(rng.integers(40, 360))
    cv2.rectangle(img, (sx, 170), (sx + 220, 260), (70, 70, 80), -1)
    cv2.circle(img, (sx + 60, 175), 22, (40, 40, 40), -1)
    cv2.circle(img, (sx + 160, 175), 22, (40, 40, 40), -1)
    px = int(rng.integers(60, 560))
    cv2.ellipse(img, (px, 190), (38, 80), 0, 0, 360, (235, 235, 235), -1)
    cv2.circle(img, (px, 95), 26, (140, 170, 210), -1)
    return bytes(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes())


def png_photo() -> bytes:
    img = np.full((120, 160, 3), (90, 160, 90), np.uint8)
    cv2.putText(img, "fixed", (20, 70), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2)
    return bytes(cv2.imencode(".png", img)[1].tobytes())


def make_event(camera: str, school: str, rule: str, tier: int, started: int, seed: int = 0) -> Event:
    x = 80 + (seed * 53) % 400
    return Event(
        id=event_id(camera, rule, None, started), rule=rule, tier=tier, state="open", school_id=school,
        kitchen_id="k", camera_id=camera, started_ms=started, last_seen_ms=started, score=0.6 + (seed % 4) / 10,
        frame_width=W, frame_height=H, zone="stove-1" if rule == "stove_unattended" else None,
        boxes=[Box(x1=x, y1=60, x2=x + 110, y2=290, label=rule, score=0.8)],
        message="seeded for the browser tests",
    )


# (camera, rule, tier, hours ago, the workflow it went through)
HISTORY = [
    ("a-cook", "no_chef_hat", 3, 0.2, []),
    ("a-prep", "no_mask", 3, 0.5, ["acknowledge"]),
    ("b-cook", "smoking", 2, 1.0, []),
    ("b-cold", "rodent", 1, 2.0, ["acknowledge", "rectify"]),
    ("c-cook", "stove_unattended", 1, 5.0, ["acknowledge", "rectify", "approve"]),
    ("a-wash", "bin_open", 2, 20, ["dismiss"]),
    ("b-serve", "phone_use", 2, 30, ["confirm"]),
    ("a-store", "intrusion", 1, 40, ["acknowledge", "rectify", "approve"]),
    ("c-wash", "no_gloves", 3, 55, []),
    ("a-cook", "no_uniform", 3, 70, ["acknowledge", "rectify", "approve"]),
    ("b-cook", "camera_blocked", 1, 90, ["acknowledge", "rectify", "approve"]),
    ("b-cook", "smoking", 2, 100, ["dismiss"]),
    ("c-cook", "no_chef_hat", 3, 120, []),
    ("b-cold", "no_mask", 3, 130, ["acknowledge"]),
    ("a-prep", "no_gloves", 3, 150, ["acknowledge", "rectify", "approve"]),
]
SCHOOL_OF = {cid: sid for sid, (_, cams) in SCHOOLS.items() for cid, _ in cams}
ACTORS = {"acknowledge": "manager", "rectify": "manager", "approve": "regulator", "dismiss": "inspector",
          "confirm": "inspector"}


@dataclass
class Seeded:
    events: dict[str, Event]  # by camera + rule, e.g. "a-cook/no_chef_hat"


async def seed(db: Database, media: MediaStore, *, history: bool = True) -> Seeded:
    await apply_site(db, site(), "test")
    now = int(time.time() * 1000)
    events: dict[str, Event] = {}
    async with db.session() as session, session.begin():
        ids = {}
        for name, (role, school) in USERS.items():
            ids[name] = (await create_user(session, name, PASSWORD, role, school)).id
        for i, (cam, rule, tier, hours, steps) in enumerate(HISTORY if history else HISTORY[:3]):
            school = SCHOOL_OF[cam]
            ev = make_event(cam, school, rule, tier, now - int(hours * 3600_000), seed=i)
            path, sha = media.save_snapshot(ev.id, kitchen_jpeg(i))
            await upsert_event(session, ev, path, sha)
            events[f"{cam}/{rule}"] = ev
            for step in steps:
                actor = ACTORS[step]
                user = f"manager_{school[-1]}" if actor == "manager" else actor
                who = Principal(ids.get(user), user, USERS.get(user, ("canteen_manager", school))[0], school)
                evidence = Evidence(note="已处理 handled" if step != "dismiss" else "误报 false positive")
                if step == "rectify":
                    rel, psha = media.save_photo(ev.id, png_photo(), "png")
                    evidence = Evidence(note="已整改：重新佩戴 fixed", photo_path=rel, photo_sha256=psha)
                await transition(session, ev.id, step, who, evidence, now_ms=ev.started_ms + 600_000)
    log = StatusLog(db)
    week = now - 7 * DAY_MS
    statuses = []
    for n, cam in enumerate(SCHOOL_OF):
        statuses.append(CameraStatus(camera_id=cam, school_id=SCHOOL_OF[cam], state="online", since_ms=week))
        if n % 3 == 1:  # some cameras were down for a while
            down = week + (n + 1) * DAY_MS // 2
            statuses.append(CameraStatus(camera_id=cam, school_id=SCHOOL_OF[cam], state="offline", since_ms=down))
            statuses.append(CameraStatus(camera_id=cam, school_id=SCHOOL_OF[cam], state="online",
                                         since_ms=down + n * 3 * 3600_000))
    await log.write(statuses)
    return Seeded(events)
