"""Sign-in throttling that no outsider can turn into a lock-out.

Failed sign-ins are counted twice, in the shared store (Redis when REDIS_URL is set, process memory
otherwise), each count in a fixed window that starts at its first failure:
- per client address AND account: after CLIENT_FAILURES failures in CLIENT_WINDOW, that address may not
  try that account again until the window ends (429). Other addresses are not affected, so an attacker
  guessing from one address cannot keep the regulator out from another.
- per account, from every address: after ACCOUNT_CEILING failures in ACCOUNT_WINDOW, every attempt on
  the account waits SLOWDOWN_SECONDS before the password is checked. It slows a distributed guesser; it
  never refuses, so the account always stays usable.
A good sign-in clears its own address's count for the account (not the account-wide one).
Usernames and addresses are hashed into the keys, so junk input cannot make long keys.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore

from credit.settings import Settings
from credit.timeutil import now_utc

LOGIN_THROTTLE_STORE = "login_throttle"
CLIENT_FAILURES = 5
CLIENT_WINDOW = timedelta(minutes=15)
ACCOUNT_CEILING = 20
ACCOUNT_WINDOW = timedelta(minutes=15)
SLOWDOWN_SECONDS = 2.0


class CountingStore(Store):
    """A Store that can also count: `incr` adds one and returns the new count (atomic)."""

    async def incr(self, key: str, window: timedelta) -> int:  # pragma: no cover - interface
        raise NotImplementedError


class MemoryCountingStore(MemoryStore, CountingStore):
    """Process memory: enough for one process (development, tests)."""

    def __init__(self) -> None:
        super().__init__()
        self._count_lock = asyncio.Lock()
        self._increments = 0

    async def incr(self, key: str, window: timedelta) -> int:
        async with self._count_lock:
            self._increments += 1
            if self._increments % 1000 == 0:
                await self.delete_expired()
            ttl = await self.expires_in(key)
            count = int(await self.get(key) or 0) + 1
            await self.set(key, str(count), expires_in=ttl if ttl and ttl > 0 else int(window.total_seconds()))
            return count


def _redis_counting_store(url: str, namespace: str) -> CountingStore:
    from litestar.stores.redis import RedisStore

    class RedisCountingStore(RedisStore, CountingStore):
        """Redis: every replica sees the same counts. INCR is atomic; the window starts at the first one."""

        async def incr(self, key: str, window: timedelta) -> int:
            name = self._make_key(key)
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)  # creates the counter at 1 when it is new
                pipe.expire(name, int(window.total_seconds()), nx=True)  # the window starts at the first count
                count, _ = await pipe.execute()
            return int(count)

    return RedisCountingStore.with_client(url=url, namespace=namespace)  # type: ignore[return-value]  # with_client builds cls


def throttle_store(settings: Settings, namespace: str = "eldercredit-login-throttle") -> CountingStore:
    """A store that counts (sign-in failures; the rate limits): Redis when `settings.redis_url` is set,
    process memory otherwise."""
    if settings.redis_url:
        return _redis_counting_store(settings.redis_url, namespace)
    return MemoryCountingStore()


class ClientThrottled(Exception):
    """This client has failed too often for this account; `until` is when it may try again (UTC)."""

    def __init__(self, until: datetime):
        self.until = until
        super().__init__(f"too many failed sign-ins from this address; try again after {until.isoformat()}")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    """The two counts around one sign-in attempt of `username` from `client`."""

    store: CountingStore
    client: str
    username: str

    @property
    def _client_key(self) -> str:
        return f"client:{_digest(self.client)}:{_digest(self.username.strip().lower())}"

    @property
    def _account_key(self) -> str:
        return f"account:{_digest(self.username.strip().lower())}"

    async def before_attempt(self) -> None:
        """Raise ClientThrottled when this client is refused for this account; wait SLOWDOWN_SECONDS
        when the account is over its ceiling; otherwise return at once."""
        if int(await self.store.get(self._client_key) or 0) >= CLIENT_FAILURES:
            left = await self.store.expires_in(self._client_key)
            raise ClientThrottled(now_utc() + timedelta(seconds=max(left or 0, 1)))
        if int(await self.store.get(self._account_key) or 0) >= ACCOUNT_CEILING:
            await asyncio.sleep(SLOWDOWN_SECONDS)

    async def failed(self) -> int:
        """Count a failure; returns this client's count for the account."""
        await self.store.incr(self._account_key, ACCOUNT_WINDOW)
        return await self.store.incr(self._client_key, CLIENT_WINDOW)

    async def succeeded(self) -> None:
        await self.store.delete(self._client_key)
