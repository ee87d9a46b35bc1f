"""Small moving things (a rat, a mouse): isolated little blobs that move between frames.

A running-average background at a finer scale than the motion plugin (a rat is a few pixels
there). The change threshold follows the measured sensor noise, so it works in a dim or infrared
night picture as well as in a lit kitchen. What is *not* a small mover:

- lighting changes: the background's brightness is matched first, and when much of the picture
  changes at once the background is re-learnt instead;
- flicker: pixels that change in a large share of frames (flames, a screen, a fan) are learnt
  and ignored, like the change gate does;
- parts of people: small blobs next to a large moving blob, or where one was in the last
  seconds (a foot, a hand, a shadow, a fading trace: unless it has run on at a rat's stride for
  three frames, :mod:`.paths`), are dropped, and so are chains of three or more small blobs close
  together (a dimly seen cook in pieces); rules may also drop those near detected persons;
- traces: a candidate must be moving now (its pixels changed since the previous frame);
- ghosts: where a cook stood still long enough for the background to learn them, then walked
  off, the picture shows again what a long-term background (which takes only what stayed
  unchanged for seconds) holds, with no outline of its own: learnt at once, not left as a large
  mover for seconds.

A candidate is *confirmed* when the previous frame had a small blob a plausible step away
(moved at least ``min_step`` but not teleported): two consecutive frames, as vendors do. That
blob may have been dropped beside a person: a rat running out from beside a cook counts on its
first frame in the open (not one dropped only for where people walked).
"""

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from detectors.detections import Detections
from detectors.perception.base import Perceiver, Pixels, blurred_small_grey, to_small_grey
from detectors.perception.blobs import dilated_window, outlined_blobs
from detectors.perception.ghosts import SLOW_EVERY, Blob, Ghosts
from detectors.perception.paths import Paths, stepped
from detectors.perception.trail import Trail

THIN = 1  # a blob this many work pixels thick is an edge that shifted (a lens losing focus), no body


class SmallMotionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    work_width: int = Field(default=320, ge=64, le=1280, description="Width the background model works at.")
    learn_rate: float = Field(default=0.05, gt=0, le=1, description="Background update per frame.")
    foreground_learn_factor: float = Field(default=0.1, ge=0, le=1, description="Share of it under changed pixels.")
    noise_k: float = Field(default=4.5, gt=0, description="Threshold in units of the measured noise.")
    min_threshold: float = Field(default=7.0, gt=0, description="Lowest grey-level change that counts.")
    lighting_fraction: float = Field(
        default=0.25, gt=0, le=1, description="Changed share above which a change is lighting."
    )
    light_jump: float = Field(
        default=0.15, gt=0, description="Relative brightness jump after which confirmation starts over."
    )
    max_candidates: int = Field(
        default=12, ge=1, description="More small blobs away from large movers than this: the view is disturbed."
    )
    disturbed_fraction: float = Field(
        default=0.02,
        gt=0,
        le=1,
        description="Share of the picture in small blobs away from large movers above which the view is disturbed.",
    )
    min_area: float = Field(default=8e-5, ge=0, description="Smallest candidate, share of the picture.")
    max_area: float = Field(default=0.004, gt=0, description="Largest candidate, share of the picture.")
    max_side: float = Field(default=0.09, gt=0, le=1, description="Largest candidate side, share of the width.")
    cluster_radius: float = Field(
        default=0.1, ge=0, le=1, description="Candidates this close (share of the width) belong to one cluster."
    )
    cluster_min: int = Field(
        default=3,
        ge=2,
        description="A cluster of at least this many candidates is the pieces of one person, not small movers.",
    )
    large_margin: float = Field(
        default=0.35, ge=0, description="Candidates this far (share of a large blob's height) from one are dropped."
    )
    trail_steps: int = Field(
        default=3,
        ge=0,
        description="Strides in a row after which a small blob where people walked a moment ago counts (0: never).",
    )
    run_step: float = Field(default=0.02, ge=0, description="Least stride per frame of such a run, share of the width.")
    min_step: float = Field(default=0.004, ge=0, description="Least movement per frame, share of the width.")
    max_step: float = Field(default=0.14, gt=0, description="Most movement per frame, share of the width.")
    moving_share: float = Field(
        default=0.3, ge=0, le=1, description="Share of a mover's pixels changed since the last frame."
    )
    trail_decay: float = Field(default=0.8, ge=0, lt=1, description="Per-frame decay of where large movers were.")
    trail_level: float = Field(default=0.1, gt=0, le=1, description="Trail level from which candidates are dropped.")
    flicker_rate: float = Field(default=0.1, gt=0, le=1, description="Learning rate of the flicker map.")
    flicker_level: float = Field(default=0.2, gt=0, le=1, description="Share of frames changing that is flicker.")
    ghost_moving: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="A blob with less than this share of its pixels changed since the last frame may be a ghost.",
    )
    ghost_match: float = Field(
        default=0.7,
        ge=0,
        le=2,
        description="Such a blob is a ghost when at least this share of it matches the long-term background "
        "(above 1: no ghost test).",
    )
    ghost_edges: float = Field(
        default=1.0,
        ge=0,
        description="And when its outline is less of an edge in the picture than this share of the background's: "
        "a cook back where they stood long ago matches the long-term background too, but has an outline.",
    )
    steady_frames: int = Field(
        default=25,
        ge=1,
        description="Frames a pixel must go unchanged before the long-term background (ghost test) takes it.",
    )
    settle_frames: int = Field(
        default=25,
        ge=1,
        description="Frames after the background is learnt anew (the first frame, after a gap or a "
        "rebalance, a lighting change, a moved view) before candidates are reported: whoever was in "
        "the picture then is part of the background until they move away.",
    )


@dataclass(frozen=True, eq=False)
class SmallMotionReport:
    """Boxes in input-picture pixels: ``confirmed`` ⊆ ``candidates`` (label ``small_motion``),
    ``large``: big moving blobs (people, carts), ``lighting_change``: the background was re-learnt."""

    candidates: Detections
    confirmed: Detections
    large: Detections
    lighting_change: bool
    learning: bool


def _median(values: NDArray[Any]) -> float:
    """``np.median`` of a float array by one partition (without its checks, ten times faster)."""
    flat = values.ravel()
    n, k = flat.size, flat.size // 2
    if n == 0:
        return 0.0
    if n % 2:
        return float(np.partition(flat, k)[k])
    part = np.partition(flat, (k - 1, k))  # one partition places both middles
    return float((part[k - 1] + part[k]) / 2)


def _centres(blobs: list[Blob]) -> NDArray[Any]:
    return np.array([[x + bw / 2, y + bh / 2] for x, y, bw, bh, _ in blobs], np.float64).reshape(-1, 2)


def _empty(lighting: bool, learning: bool) -> SmallMotionReport:
    e = Detections.empty()
    return SmallMotionReport(e, e, e, lighting, learning)


class SmallMotionDetector(Perceiver):
    key = "small_motion"

    def __init__(self, config: SmallMotionConfig | None = None) -> None:
        self.config = config or SmallMotionConfig()
        self._close = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
        self.reset()

    def reset(self) -> None:
        self._bg: NDArray[Any] | None = None
        self._prev: NDArray[Any] | None = None
        self._prev_mean = 0.0  # its mean grey level
        self._flicker: NDArray[Any] | None = None
        self._last: NDArray[Any] = np.zeros((0, 2))  # previous candidates' centres (work pixels)
        cfg = self.config
        self._trail = Trail(cfg.trail_decay, cfg.trail_level, cfg.large_margin)  # where large movers were
        self._paths = Paths(cfg.run_step, cfg.max_step)  # the strides in a row of blobs away from them
        self._quiet = cfg.settle_frames
        self._frames = 0
        self._ghosts: Ghosts | None = None  # the long-term background and the ghost test

    def observe(self, image: Pixels) -> SmallMotionReport:
        cfg = self.config
        _, sx, sy = to_small_grey(image, cfg.work_width)
        small = blurred_small_grey(image, cfg.work_width, 3)
        bg, prev, prev_mean = self._bg, self._prev, self._prev_mean
        mean_now = cv2.mean(small)[0]
        self._prev, self._prev_mean = small, mean_now
        if bg is None or prev is None or bg.shape != small.shape or prev.shape != small.shape:
            self._quiet = cfg.settle_frames  # a first picture: the cooks in it are background for now
            return self._relearn(small, lighting=False)
        # This runs on every frame of every camera: OpenCV calls (one pass each) where numpy
        # would make several, and cv2.mean / countNonZero instead of ndarray.mean.
        gain = np.float32((mean_now + 1.0) / (cv2.mean(bg)[0] + 1.0))
        diff = cv2.absdiff(small, bg * gain)
        sigma = _median(diff[::6, ::6]) / 0.674 + 1e-3  # noise level: 1 pixel in 36, within 3 % of all
        threshold = max(cfg.min_threshold, cfg.noise_k * sigma)
        changed = diff > threshold
        if cv2.countNonZero(changed.view(np.uint8)) > cfg.lighting_fraction * changed.size:
            self._quiet = cfg.settle_frames
            return self._relearn(small, lighting=True)
        if abs(float(gain) - 1.0) > cfg.light_jump:
            self._forget()  # a light switch: nothing seen across it is confirmed
        step = cv2.absdiff(small, prev * np.float32((mean_now + 1.0) / (prev_mean + 1.0)))
        moving = step > threshold
        flicker = self._flicker if self._flicker is not None else np.zeros_like(small)
        cv2.accumulateWeighted(moving.view(np.uint8), flicker, cfg.flicker_rate)  # flicker += rate * (moving - flicker)
        self._flicker = flicker
        # Changed and steady: not flickering, nor next to a pixel that does (dilated only round
        # the flames, and cleared only there).
        mask: NDArray[Any] = changed.view(np.uint8).copy()
        flickering = dilated_window((flicker >= cfg.flicker_level).view(np.uint8), self._close)
        if flickering is not None:
            (rows, cols), near = flickering
            np.copyto(mask[rows, cols], 0, where=near > 0)
        changes = cv2.countNonZero(mask)
        if changes:  # closing an empty mask (a static kitchen, most frames) keeps it empty
            mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, self._close)
        # Learn slowly only where something is moving now; what changed and then stays (a
        # person who left the first frame, a pot put down) is absorbed at the normal rate.
        busy = dilated_window((changed & moving).view(np.uint8), self._close, 2)
        if busy is not None:  # the busy window learns slowly on a copy, all of it at the normal rate
            (rows, cols), near = busy
            slow = bg[rows, cols].copy()
            cv2.accumulateWeighted(small[rows, cols], slow, cfg.learn_rate * cfg.foreground_learn_factor)
            cv2.accumulateWeighted(small, bg, cfg.learn_rate)
            np.copyto(bg[rows, cols], slow, where=near > 0)
        else:  # nothing moving: all of it learns at the normal rate
            cv2.accumulateWeighted(small, bg, cfg.learn_rate)
        if self._frames % SLOW_EVERY == 0 and self._ghosts is not None:
            self._ghosts.learn(bg, changed, moving)
        self._frames += 1
        outlined = outlined_blobs(mask) if changes else []  # closing never empties a mask
        blobs = self._without_ghosts(outlined, mask, moving, small, threshold, mean_now)
        if not blobs:  # a still picture: no blob, only the trail fades
            self._trail.fade()
            self._forget()
            return _empty(False, self._frames < self._quiet)
        if self._frames < self._quiet:  # nothing is reported yet, but where people walk is
            self._sorted(blobs, mask.shape)
            return _empty(False, True)
        return self._blobs(blobs, mask, moving, sx, sy)

    def _large(self, blob: Blob, shape: tuple[int, ...]) -> bool:
        """A blob too big or too long for a small mover (a person, a cart, a ghost of one)."""
        _, _, bw, bh, area = blob
        return area > self.config.max_area * shape[0] * shape[1] or max(bw, bh) > self.config.max_side * shape[1]

    def _without_ghosts(
        self,
        blobs: list[tuple[Blob, NDArray[Any]]],
        mask: NDArray[np.uint8],
        moving: NDArray[np.bool_],
        small: NDArray[Any],
        threshold: float,
        mean_now: float,
    ) -> list[Blob]:
        """``blobs`` less ghosts (:mod:`detectors.perception.ghosts`), learnt into the background
        at once. Only large blobs hide rats, so only they are tested."""
        if self._ghosts is None or self._bg is None:
            return [b for b, _ in blobs]
        large = [i for i, (b, _) in enumerate(blobs) if self._large(b, small.shape)]
        gone = self._ghosts.absorbed([blobs[i] for i in large], self._bg, mask, moving, small, threshold, mean_now)
        dropped = {large[i] for i in gone}
        return [b for i, (b, _) in enumerate(blobs) if i not in dropped]

    def _relearn(self, small: NDArray[Any], *, lighting: bool) -> SmallMotionReport:
        self._bg = small.copy()
        cfg = self.config
        self._ghosts = Ghosts(
            small,
            moving=cfg.ghost_moving,
            match=cfg.ghost_match,
            edges=cfg.ghost_edges,
            steady_frames=cfg.steady_frames,
        )
        self._flicker = None
        self._forget()
        self._frames = 0
        return _empty(lighting, True)

    def _sorted(
        self, blobs: list[Blob], shape: tuple[int, ...]
    ) -> tuple[list[Blob], list[tuple[int, int, int, int]], NDArray[Any]]:
        """The small blobs and large boxes (work pixels), and the trail updated with the large
        ones: it runs while the background is learnt too, so the first frames reported already
        know where people walked."""
        h, w = shape
        small: list[Blob] = []
        large_boxes: list[tuple[int, int, int, int]] = []
        for blob in blobs:
            x, y, bw, bh, area = blob
            if self._large(blob, shape):
                large_boxes.append((x, y, x + bw, y + bh))
            elif area >= self.config.min_area * h * w and min(bw, bh) > THIN:
                small.append(blob)
        return small, large_boxes, self._trail.update(large_boxes, (h, w))

    def _blobs(
        self, blobs: list[Blob], mask: NDArray[Any], moving: NDArray[np.bool_], sx: float, sy: float
    ) -> SmallMotionReport:
        cfg = self.config
        h, w = mask.shape
        area_px = float(h * w)
        small, large_boxes, trail = self._sorted(blobs, mask.shape)
        keep: list[Blob] = []
        # Small blobs beside a large mover on this frame: dropped, but a candidate on the next
        # frame a step away from one is confirmed (a rat running out from beside a cook, on its
        # first frame in the open). Not those dropped only for the trail: the pieces of a cook
        # who has just fallen apart in a dim picture step out of it together.
        beside: list[tuple[float, float]] = []
        trailed: list[Blob] = []  # where a person just walked: a leg, a shoe, a fading trace
        for x, y, bw, bh, area in small:
            cx, cy = x + bw // 2, y + bh // 2
            if any(self._near(x, y, x + bw, y + bh, big) for big in large_boxes):
                beside.append((x + bw / 2, y + bh / 2))
            elif trail[min(h - 1, cy), min(w - 1, cx)] < cfg.trail_level:
                keep.append((x, y, bw, bh, area))
            else:
                trailed.append((x, y, bw, bh, area))
        # ... unless it has run along for a while, a rat's stride a frame: a rat running across
        # the floor where cooks walked a moment ago (fresh rodent 20402: confirmed 3.4 s after it
        # was first in the open). A piece of a cook stays, creeps on, or hops about.
        everyone = _centres(small)
        steps = self._paths.follow(_centres(keep + trailed), everyone, w)
        running = {b for b, n in zip(trailed, steps[len(keep) :], strict=True) if 0 < cfg.trail_steps <= n}
        # The whole view is disturbed (focus lost, the camera moved back, a flash) when many
        # pieces change at once away from any large mover. Nothing is confirmed across such a
        # frame. Pieces of people do not count: a dim cook in a noisy picture falls apart into a
        # dozen blobs, and counting those hid a rat running past two cooks for 11 s.
        if len(keep) > cfg.max_candidates or sum(b[4] for b in keep) / area_px > cfg.disturbed_fraction:
            self._forget()
            e = Detections.empty()
            return SmallMotionReport(e, e, e, False, False)
        keep = self._unclustered(keep + sorted(running), w)
        centres = _centres(keep)
        moved = np.zeros(len(keep), bool)
        if len(keep) and (len(self._last) or running):
            # A plausible step from a blob of the last frame (perception.paths; a cook's hem beside
            # them on two frames is no source for their hand appearing a step away: fresh compliant
            # clip 25424, a "rat" at 5.6 s), or running along already.
            near = stepped(centres, self._last, everyone, cfg.min_step * w, cfg.max_step * w).any(axis=1)
            near |= np.array([b in running for b in keep], np.bool_)
            # Moving now, too: a fading trace changes shape but its pixels do not jump.
            now = (
                np.array(
                    [
                        float(moving[y : y + bh, x : x + bw][mask[y : y + bh, x : x + bw] > 0].mean())
                        for x, y, bw, bh, _ in keep
                    ]
                )
                >= cfg.moving_share
            )
            moved = near & now
        self._last = np.concatenate([centres, np.array(beside, np.float64).reshape(-1, 2)])
        boxes = np.array([[x * sx, y * sy, (x + bw) * sx, (y + bh) * sy] for x, y, bw, bh, _ in keep], np.float64)
        fill = np.array([a / max(1, bw * bh) for _, _, bw, bh, a in keep], np.float64)
        candidates = Detections.of(boxes.reshape(-1, 4), np.clip(fill, 0, 1), "small_motion")
        large = np.array(large_boxes, np.float64).reshape(-1, 4) * [sx, sy, sx, sy]
        return SmallMotionReport(
            candidates, candidates[moved], Detections.of(large, np.ones(len(large)), "motion"), False, False
        )

    def _forget(self) -> None:
        """Nothing seen so far confirms anything on later frames (on most frames of a still
        kitchen, so nothing is allocated when nothing was seen)."""
        if len(self._last):
            self._last = np.zeros((0, 2))
        if self._paths.following:
            self._paths.reset()

    def _unclustered(self, blobs: list[Blob], width: int) -> list[Blob]:
        """``blobs`` less clusters of ``cluster_min`` or more (each within ``cluster_radius`` of
        another of its cluster): a cook the person detector also missed, in a dim or noisy
        picture, changes as a handful of separate pieces (an arm, an edge of the apron, a leg),
        each small and each moving like a rat would (compliant tuning clip 5739). A rat is one
        blob, or two."""
        cfg = self.config
        if len(blobs) < cfg.cluster_min:
            return blobs
        c = _centres(blobs)
        close = np.linalg.norm(c[:, None, :] - c[None, :, :], axis=2) <= cfg.cluster_radius * width
        group = np.arange(len(blobs))  # single linkage: a chain of pieces is one cluster
        for _ in range(len(blobs)):
            merged = np.where(close, group[None, :], len(blobs)).min(axis=1)
            if np.array_equal(merged, group):
                break
            group = merged
        sizes = np.bincount(group, minlength=len(blobs))
        return [b for b, g in zip(blobs, group, strict=True) if sizes[g] < cfg.cluster_min]

    def _near(self, x1: int, y1: int, x2: int, y2: int, big: tuple[int, int, int, int]) -> bool:
        m = self.config.large_margin * (big[3] - big[1])
        return not (x2 < big[0] - m or x1 > big[2] + m or y2 < big[1] - m or y1 > big[3] + m)
