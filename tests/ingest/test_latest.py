"""The drop-oldest queue between a camera's reader thread and its sender."""

import asyncio
import threading

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


async def test_a_thread_puts_while_the_loop_is_starved_and_memory_stays_bounded() -> None:
    q: DropOldestQueue[int] = DropOldestQueue(3)
    loop = asyncio.get_running_loop()
    scheduled = 0
    real = loop.call_soon_threadsafe

    def counting(callback, *args):  # type: ignore[no-untyped-def]
        nonlocal scheduled
        scheduled += 1
        return real(callback, *args)

    loop.call_soon_threadsafe = counting  # type: ignore[method-assign]
    try:
        # the loop is busy (this coroutine does not yield) while a reader thread puts 1000 pictures
        kept = []
        thread = threading.Thread(target=lambda: kept.extend(q.put_threadsafe(i, loop) for i in range(1000)))
        thread.start()
        thread.join()
    finally:
        loop.call_soon_threadsafe = real  # type: ignore[method-assign]
    assert len(q) == 3 and q.dropped == 997 and kept.count(True) == 3
    assert scheduled == 1  # one wake-up, not one callback (holding a picture) per put
    assert [await asyncio.wait_for(q.get(), 1) for _ in range(3)] == [997, 998, 999]
    getter = asyncio.create_task(q.get())  # waits, and a later put from a thread wakes it
    await asyncio.sleep(0.01)
    threading.Thread(target=q.put_threadsafe, args=(1000, loop)).start()
    assert await asyncio.wait_for(getter, 2) == 1000
