"""Exponential backoff with jitter and a cap, for reconnecting to cameras.

Jitter keeps many cameras behind one dead NVR from reconnecting in lock-step.
"""

import random

from pydantic import BaseModel, ConfigDict, Field, model_validator


class BackoffPolicy(BaseModel):
    """Delay n (from 0) is ``initial_s * factor**n`` capped at ``max_s``, then jittered by ±``jitter``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    initial_s: float = Field(default=0.5, gt=0, description="Delay after the first failure.")
    factor: float = Field(default=2.0, ge=1.0, description="Growth per consecutive failure.")
    max_s: float = Field(default=30.0, gt=0, description="Cap of the delay.")
    jitter: float = Field(default=0.2, ge=0.0, lt=1.0, description="Relative random spread of each delay.")

    @model_validator(mode="after")
    def _ordered(self) -> "BackoffPolicy":
        if self.max_s < self.initial_s:
            raise ValueError(f"max_s ({self.max_s}) must be >= initial_s ({self.initial_s})")
        return self


class Backoff:
    """Stateful delays: :meth:`next_delay` after each failure, :meth:`reset` after a success."""

    def __init__(self, policy: BackoffPolicy | None = None, rng: random.Random | None = None) -> None:
        self.policy = policy or BackoffPolicy()
        self.failures = 0
        self._rng = rng or random.Random()

    def next_delay(self) -> float:
        p = self.policy
        base = min(p.max_s, p.initial_s * p.factor ** min(self.failures, 64))
        self.failures += 1
        spread = base * p.jitter
        return max(0.0, min(p.max_s, base + self._rng.uniform(-spread, spread)))

    def reset(self) -> None:
        self.failures = 0
