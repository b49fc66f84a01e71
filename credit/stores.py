"""Stores for state that replicas share: Redis when REDIS_URL is set, process memory otherwise."""

from __future__ import annotations

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore

from credit.settings import Settings


def shared_store(settings: Settings, namespace: str) -> Store:
    if settings.redis_url:
        from litestar.stores.redis import RedisStore

        return RedisStore.with_client(url=settings.redis_url, namespace=namespace)
    return MemoryStore()
