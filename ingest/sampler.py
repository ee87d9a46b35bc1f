"""Which of a camera's pictures to hand on, so only those are converted and encoded.

The reader drains every picture at the camera's rate (or the stream falls behind), but only
``fps`` of them a second are published. Deciding on the reader's clock, at the moment a picture
arrives, keeps the published ones fresh: a picture is due once ``1/fps`` has passed since the
previous due time, less a quarter interval of tolerance so arrival jitter does not skip one when
the camera and detect rates are equal. The cadence is kept, so the average rate is exactly
``fps`` when the camera is faster.
"""

TOLERANCE = 0.25  # of an interval


class RateSampler:
    """``due(now)`` is True for at most ``fps`` pictures a second, on average exactly ``fps``
    when pictures come faster. Not thread-safe: one reader owns it."""

    def __init__(self, fps: float) -> None:
        if fps <= 0:
            raise ValueError(f"fps must be > 0, got {fps}")
        self.interval = 1.0 / fps
        self._slack = TOLERANCE * self.interval
        self._next: float | None = None

    def due(self, now: float) -> bool:
        """Whether the picture that arrived at ``now`` (monotonic seconds) is to be handed on."""
        if self._next is None:
            self._next = now + self.interval
            return True
        if now < self._next - self._slack:
            return False
        # Keep the cadence; after a gap (a stall, a slow camera) start again from now.
        self._next = max(self._next + self.interval, now + self.interval - self._slack)
        return True
