"""Where large movers (people, carts) were in the last seconds, for the small-motion plugin.

A float map the size of the work picture: each large mover's box, grown by a margin, is painted
1.0 and the whole map decays by a factor per frame, so a small blob where a person walked a
moment ago (a leg, a shoe, a fading trace) can be told from one where nobody was. A map faded far
under the level that counts is dropped, so an empty kitchen costs nothing.
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray

FADED = 1e-3  # a trail this far under the level that counts holds nothing any more: dropped

Box = tuple[int, int, int, int]  # x1, y1, x2, y2 in work pixels


class Trail:
    def __init__(self, decay: float, level: float, margin: float) -> None:
        self.decay, self.level, self.margin = decay, level, margin
        self._map: NDArray[Any] | None = None
        self._peak = 0.0  # the map's highest value

    def fade(self) -> None:
        """One frame's decay."""
        if self._map is None:
            return
        self._peak *= self.decay
        if self._peak < FADED * self.level:
            self._map = None
        else:
            self._map *= np.float32(self.decay)

    def update(self, large: list[Box], shape: tuple[int, int]) -> NDArray[Any]:
        """One frame's decay, then the ``large`` boxes of this frame painted (each grown by
        ``margin`` of its height); the map."""
        self.fade()
        trail = self._map if self._map is not None and self._map.shape == shape else None
        if trail is None:
            trail = np.zeros(shape, np.float32)
        for x1, y1, x2, y2 in large:
            m = int(self.margin * (y2 - y1))
            trail[max(0, y1 - m) : y2 + m, max(0, x1 - m) : x2 + m] = 1.0
        if large:
            self._peak = 1.0
        self._map = trail
        return trail
