"""The drop-oldest queue between a camera's pump and its sender."""

import asyncio

import pytest

from ingest.latest import DropOldestQueue


async def test_keeps_the_newest_and_counts_drops() -> None:
    q: DropOldestQueue[int] = DropOldestQueue(2)
    assert q.put(1) and q.put(2)
    assert not q.put(3)
    assert not q.put(4)
    assert q.dropped == 2
    assert [await q.get(), await q.get()] == [3, 4]
    assert len(q) == 0


async def test_get_waits_for_an_item() -> None:
    q: DropOldestQueue[str] = DropOldestQueue(1)
    waiter = asyncio.create_task(q.get())
    await asyncio.sleep(0.01)
    assert not waiter.done()
    q.put("x")
    assert await asyncio.wait_for(waiter, 1) == "x"


async def test_put_never_blocks_a_full_queue() -> None:
    q: DropOldestQueue[int] = DropOldestQueue(3)
    for i in range(10_000):
        q.put(i)
    assert q.dropped == 10_000 - 3
    assert [await q.get() for _ in range(3)] == [9997, 9998, 9999]


def test_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="maxsize must be >= 1"):
        DropOldestQueue(0)
