"""A small bounded queue that drops the OLDEST item when full, so producers never block and
consumers always get the freshest pictures. Reader threads put into it directly (the bound holds
there, not in the event loop's callback queue, which would grow while the loop is starved)."""

import asyncio
import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class DropOldestQueue(Generic[T]):
    """An asyncio queue of at most ``maxsize`` items; :meth:`put` never waits, it evicts."""

    def __init__(self, maxsize: int = 2) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be >= 1, got {maxsize}")
        self.maxsize = maxsize
        self.dropped = 0
        self._items: deque[T] = deque()
        self._ready = asyncio.Event()
        self._lock = threading.Lock()
        self._wake_pending = False  # a wake-up is scheduled on the loop and has not run yet

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: T) -> bool:
        """Add ``item`` (on the loop's thread); False when an older item had to be dropped."""
        with self._lock:
            kept = self._push(item)
        self._ready.set()
        return kept

    def put_threadsafe(self, item: T, loop: asyncio.AbstractEventLoop) -> bool:
        """Add ``item`` from another thread; False when an older item had to be dropped. At most
        one wake-up is scheduled on ``loop`` at a time, however many items arrive meanwhile."""
        with self._lock:
            kept = self._push(item)
            wake, self._wake_pending = not self._wake_pending, True
        if wake:
            loop.call_soon_threadsafe(self._wake)
        return kept

    def _push(self, item: T) -> bool:
        dropped = len(self._items) >= self.maxsize
        if dropped:
            self._items.popleft()
            self.dropped += 1
        self._items.append(item)
        return not dropped

    def _wake(self) -> None:
        with self._lock:
            self._wake_pending = False
        self._ready.set()

    async def get(self) -> T:
        """The oldest queued item, waiting until there is one."""
        while True:
            with self._lock:
                if self._items:
                    return self._items.popleft()
                self._ready.clear()
            await self._ready.wait()
