"""Stores for state that replicas share: Redis when REDIS_URL is set, process memory otherwise."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import timedelta
from typing import TypeVar

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore

from credit.settings import Settings

R = TypeVar("R", bound=RedisStore)


def shared_store(settings: Settings, namespace: str) -> Store:
    if settings.redis_url:
        return redis_store(settings, namespace)
    return MemoryStore()


def redis_store(settings: Settings, namespace: str, kind: type[R] = RedisStore) -> R:  # type: ignore[assignment]
    return kind.with_client(url=settings.redis_url or "", namespace=namespace)  # type: ignore[return-value]


async def close_stores(stores: Iterable[Store]) -> None:
    """Close the Redis connections of `stores` (Litestar leaves them open when the app shuts down)."""
    for store in stores:
        if isinstance(store, RedisStore):
            await store._shutdown()


class BudgetedRedisStore(RedisStore):
    """A Redis store whose entries all expire, and which keeps at most `max_keys` of them.

    Each entry lives at most `ttl` seconds. New entries are counted per TTL window in one Redis counter
    (shared by all replicas); once a window has taken max_keys / 2 of them, further sets are dropped until
    the next window, so at most max_keys entries (this window's and the last one's) exist at any moment.
    A dropped set only costs a re-render next time: the store is a cache.
    """

    max_keys = 5000
    ttl = 300

    def bounded(self, max_keys: int, ttl: int) -> BudgetedRedisStore:
        self.max_keys, self.ttl = max_keys, max(int(ttl), 1)
        return self

    def _budget_key(self) -> str:
        return self._make_key(f"__budget__:{int(time.time() // self.ttl)}")

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else (expires_in or self.ttl)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(self._budget_key())
            pipe.expire(self._budget_key(), 2 * self.ttl)
            taken, _ = await pipe.execute()
        if taken > max(self.max_keys // 2, 1):
            return
        await super().set(key, value, expires_in=max(1, int(min(seconds, self.ttl))))

    async def stored_keys(self) -> int:
        """How many entries exist now (for tests and operators; a SCAN, not for the request path)."""
        count = 0
        async for name in self._redis.scan_iter(match=self._make_key("*"), count=1000):
            count += not name.decode().startswith(self._make_key("__budget__"))
        return count
