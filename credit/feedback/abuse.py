"""Abuse controls of the public feedback form, without a third-party CAPTCHA.

- Rate limit: at most FILINGS_PER_WINDOW filings per client address per FILING_WINDOW, counted in the app's
  shared rate-limit store (Redis when REDIS_URL is set, so every replica counts together).
- Size: the request body is capped at MAX_BODY_BYTES by the route; each field has its length limit
  (credit.feedback.service.check_filing).
- Honeypot: a field people never see (HONEYPOT_FIELD); a filled one is a robot's, answered like a success and
  stored nowhere.
- Duplicates: the same text about the same home within a day gets the earlier reference (the service).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from credit.accounts.throttle import CountingStore
from credit.timeutil import now_utc

FILINGS_PER_WINDOW = 5
FILING_WINDOW = timedelta(hours=1)
MAX_BODY_BYTES = 32 * 1024  # 2,000 Chinese characters percent-encoded are 18 KB
HONEYPOT_FIELD = "website"


class TooManyFilings(Exception):
    """This address has filed FILINGS_PER_WINDOW times in the window; `until` is when it may file again."""

    def __init__(self, until: datetime):
        self.until = until
        super().__init__(f"too many feedback filings from this address; try again after {until.isoformat()}")


def _key(address: str) -> str:
    return "feedback:" + hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()[:32]


async def count_filing(store: CountingStore, address: str) -> None:
    """Count one filing attempt from `address`; raise TooManyFilings when it is over the limit."""
    key = _key(address)
    if await store.incr(key, FILING_WINDOW) > FILINGS_PER_WINDOW:
        left = await store.expires_in(key)
        raise TooManyFilings(now_utc() + timedelta(seconds=max(left or 0, 1)))


def is_robot(form: dict[str, str]) -> bool:
    """True when the honeypot field came back filled."""
    return bool(form.get(HONEYPOT_FIELD, "").strip())
