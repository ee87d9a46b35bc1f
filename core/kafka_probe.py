"""Questions a role asks the broker for its metrics and readiness: how far behind is a consumer,
and does the broker answer at all.

On the embedded broker (Tansu) the end offset it reports is the base offset of the last record
batch + 1, not the last offset + 1 (FACTS.md): lag computed here is then short by up to one
batch. On Apache Kafka it is exact.
"""

import asyncio
import contextlib
import logging
import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.client import AIOKafkaClient
from aiokafka.errors import KafkaError

log = logging.getLogger(__name__)
LAG_HELP_NOTE = (
    "On the embedded broker (Tansu) end offsets can be short by one record batch, so lag reads low by up to a batch."
)


async def consumer_lag(consumer: AIOKafkaConsumer, timeout_s: float = 2.0) -> dict[TopicPartition, int]:
    """Records between the consumer's position and the end of each assigned partition.

    A partition whose position is not known yet (just assigned, offset being reset) is left out.
    Raises nothing: a broker that does not answer gives an empty answer (logged at debug)."""
    assigned = list(consumer.assignment())
    if not assigned:
        return {}
    try:
        ends = await asyncio.wait_for(consumer.end_offsets(assigned), timeout_s)
    except (KafkaError, TimeoutError, OSError) as exc:
        log.debug("consumer lag: end offsets unavailable: %s", exc)
        return {}
    lag: dict[TopicPartition, int] = {}
    for tp in assigned:
        if tp not in ends or tp not in consumer.assignment():
            continue
        with contextlib.suppress(TimeoutError, KafkaError, AssertionError):
            position = await asyncio.wait_for(consumer.position(tp), 0.2)
            lag[tp] = max(0, ends[tp] - position)
    return lag


class BrokerProbe:
    """Does the broker answer a metadata request? Cached for ``cache_s``, so a readiness probe
    polled often does not open a connection per request."""

    def __init__(self, bootstrap: str, timeout_s: float = 2.0, cache_s: float = 1.0) -> None:
        self.bootstrap = bootstrap
        self.timeout_s = timeout_s
        self.cache_s = cache_s
        self._at = -1e9
        self._ok = False
        self._lock = asyncio.Lock()

    async def reachable(self) -> bool:
        async with self._lock:
            if time.monotonic() - self._at < self.cache_s:
                return self._ok
            self._ok = await broker_reachable(self.bootstrap, self.timeout_s)
            self._at = time.monotonic()
            return self._ok


async def broker_reachable(bootstrap: str, timeout_s: float = 2.0) -> bool:
    """True when a broker of ``bootstrap`` answers a metadata request within ``timeout_s``."""
    client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout_s * 1000))
    try:
        await asyncio.wait_for(client.bootstrap(), timeout_s)
        return True
    except (KafkaError, TimeoutError, OSError) as exc:
        log.debug("broker %s not reachable: %s", bootstrap, exc)
        return False
    finally:
        with contextlib.suppress(Exception):
            await client.close()
