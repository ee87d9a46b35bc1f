"""A small bounded queue that drops the OLDEST item when full, so producers never block and
consumers always get the freshest pictures."""

import asyncio
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

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: T) -> bool:
        """Add ``item``; return False when an older item had to be dropped to make room."""
        dropped = len(self._items) >= self.maxsize
        if dropped:
            self._items.popleft()
            self.dropped += 1
        self._items.append(item)
        self._ready.set()
        return not dropped

    async def get(self) -> T:
        """The oldest queued item, waiting until there is one."""
        while not self._items:
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()
