"""Slow down password guessing: after ``max_failures`` failed logins for a username or a client
address, further attempts are refused (429) for a wait that doubles with each failure.

Kept in memory per replica: a guesser spread over replicas gets at most replicas × the budget.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_WAIT_S = 3600.0
FORGET_AFTER_S = 24 * 3600.0


@dataclass
class _Entry:
    failures: int = 0
    blocked_until: float = 0.0
    last: float = 0.0


class LoginThrottle:
    def __init__(self, max_failures: int, base_wait_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.base_wait_s = base_wait_s
        self.clock = clock
        self._entries: dict[str, _Entry] = {}

    def retry_after(self, keys: list[str]) -> float:
        """Seconds until these keys may try again; 0 when they may try now."""
        now = self.clock()
        waits = [e.blocked_until - now for k in keys if (e := self._entries.get(k)) is not None]
        return max([0.0, *waits])

    def failed(self, keys: list[str]) -> None:
        now = self.clock()
        self._forget_old(now)
        for key in keys:
            entry = self._entries.setdefault(key, _Entry())
            entry.failures += 1
            entry.last = now
            over = entry.failures - self.max_failures
            if over >= 0:
                entry.blocked_until = now + min(self.base_wait_s * 2**over, MAX_WAIT_S)

    def succeeded(self, keys: list[str]) -> None:
        for key in keys:
            self._entries.pop(key, None)

    def _forget_old(self, now: float) -> None:
        if len(self._entries) < 10_000:
            return
        for key in [k for k, e in self._entries.items() if now - e.last > FORGET_AFTER_S]:
            del self._entries[key]
