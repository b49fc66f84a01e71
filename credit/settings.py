"""Settings, read from the environment once (see README, "Configuration")."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from credit.client_address import Network, parse_networks

DEFAULT_DATA_DIR = Path(os.environ.get("ELDERCREDIT_DATA_DIR", "var"))


class SettingsError(RuntimeError):
    """A setting is missing or malformed: the message names the variable. Raised by `load_settings`."""


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


# The public pages' language-display mode pairs (portal.public.i18n.LANGUAGES x portal.public.preferences.MODES;
# tests/portal/test_stored_pages.py checks the two agree).
PAGE_VARIANTS = ("zh-standard", "zh-elder", "en-standard", "en-elder")


def _variants(raw: str) -> tuple[str, ...]:
    """STORED_PAGE_VARIANTS: a comma-separated subset of PAGE_VARIANTS ("" for none)."""
    chosen = tuple(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))
    unknown = [v for v in chosen if v not in PAGE_VARIANTS]
    if unknown:
        raise SettingsError(
            f"STORED_PAGE_VARIANTS: {', '.join(unknown)} is not one of {', '.join(PAGE_VARIANTS)} (comma-separated)"
        )
    return chosen


@dataclass(frozen=True, slots=True)
class EvidenceS3:
    """An S3-compatible bucket for the evidence files (EVIDENCE_S3_*), instead of the folder EVIDENCE_DIR."""

    endpoint: str  # scheme://host[:port]: https is TLS, http is not
    bucket: str
    access_key: str
    secret_key: str = field(repr=False)
    region: str | None = None
    prefix: str = ""  # "" or a folder such as "eldercredit/evidence/": every object name starts with it


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    secret_key: str
    signing_key_path: Path
    scheduler_enabled: bool
    timezone: ZoneInfo
    redis_url: str | None
    environment: str
    log_format: str
    db_pool_size: int = 10
    # DATABASE_READ_URL: where the public read side (portal pages, public API) reads; None: the primary. A
    # PostgreSQL streaming replica, or on SQLite the primary's file kept open read-only (one connection a worker).
    database_read_url: str | None = None
    # Reverse proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES, IPs/CIDRs; none by default).
    trusted_proxies: tuple[Network, ...] = ()
    # The public page store: how long a rendered page is kept, and how many pages at most (per store).
    page_store_ttl_seconds: int = 300
    page_store_max_keys: int = 5000
    # the language-mode pairs of each home's page rendered ahead of visitors (render_pages job); () renders none
    stored_page_variants: tuple[str, ...] = PAGE_VARIANTS
    list_separation_of_duties: bool = True  # the proposer of a list entry does not decide its review
    token_ttl_days: int = 90  # a user API token stops working this long after it was issued
    institution_users_max: int = 5  # active accounts one home (机构端) may have
    session_max_hours: int = 12  # a session ends this long after sign-in, however busy
    session_idle_minutes: int = 60  # ... and after this long without a request
    calendar_dir: Path | None = None  # CALENDAR_DIR: extra years of working-day data (default scoring/calendars)
    rate_limit_per_minute: int = 600  # requests per minute per caller on the limited routes; 0 turns limiting off
    rescore_minutes: int = 3  # the rescore job runs every this many minutes
    publish_cron: str = "0 2 * * *"  # when the daily disclosure is published (crontab, in `timezone`)
    districts_file: Path | None = None  # the districts the installation serves; None: the packaged list
    portal_version_ttl_seconds: float = 1.0  # how long a process reuses the data version of public pages' ETags
    # Evidence files (credit.evidence): where they are kept (EVIDENCE_DIR, default the data dir's `evidence/`),
    # the largest file (EVIDENCE_MAX_BYTES) and the most files one objection or application takes (EVIDENCE_MAX_FILES).
    evidence_dir: Path = DEFAULT_DATA_DIR / "evidence"
    evidence_max_bytes: int = 5 * 1024 * 1024
    evidence_max_files: int = 5
    # Files under EVIDENCE_DIR that no evidence row references are removed by the `evidence_cleanup` job once they are
    # older than this (EVIDENCE_ORPHAN_GRACE_HOURS), so that an upload whose transaction still runs is never touched.
    evidence_orphan_grace_hours: float = 24.0
    # EVIDENCE_S3_ENDPOINT and the rest: keep evidence files in an S3-compatible bucket; None: under evidence_dir.
    evidence_s3: EvidenceS3 | None = None

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


def load_settings() -> Settings:
    """Read every setting from the environment; defaults suit `make run` on a laptop."""
    data_dir = DEFAULT_DATA_DIR
    environment = os.environ.get("ELDERCREDIT_ENV", "development")
    secret = os.environ.get("SECRET_KEY", "")
    if not secret:
        if environment == "production":
            raise SettingsError("SECRET_KEY must be set in production")
        secret = "development-only-secret-change-me"
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'eldercredit.sqlite3'}",
        secret_key=secret,
        signing_key_path=Path(os.environ.get("SIGNING_KEY_PATH") or data_dir / "signing-key.pem"),
        scheduler_enabled=_flag("SCHEDULER_ENABLED", True),
        timezone=ZoneInfo(os.environ.get("TIMEZONE", "Asia/Shanghai")),
        redis_url=os.environ.get("REDIS_URL") or None,
        environment=environment,
        log_format=os.environ.get("LOG_FORMAT") or ("json" if environment == "production" else "text"),
        db_pool_size=int(os.environ.get("DB_POOL_SIZE", "10")),
        database_read_url=os.environ.get("DATABASE_READ_URL") or None,
        trusted_proxies=parse_networks(os.environ.get("TRUSTED_PROXIES", "")),
        page_store_ttl_seconds=int(os.environ.get("PAGE_STORE_TTL_SECONDS", "300")),
        page_store_max_keys=int(os.environ.get("PAGE_STORE_MAX_KEYS", "5000")),
        stored_page_variants=_variants(os.environ.get("STORED_PAGE_VARIANTS", ",".join(PAGE_VARIANTS))),
        list_separation_of_duties=_flag("LIST_SEPARATION_OF_DUTIES", True),
        token_ttl_days=int(os.environ.get("TOKEN_TTL_DAYS", "90")),
        institution_users_max=int(os.environ.get("INSTITUTION_USERS_MAX", "5")),
        session_max_hours=int(os.environ.get("SESSION_MAX_HOURS", "12")),
        session_idle_minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "60")),
        calendar_dir=Path(os.environ["CALENDAR_DIR"]) if os.environ.get("CALENDAR_DIR") else None,
        rate_limit_per_minute=int(os.environ.get("RATE_LIMIT_PER_MINUTE", "600")),
        rescore_minutes=int(os.environ.get("RESCORE_MINUTES", "3")),
        publish_cron=os.environ.get("PUBLISH_CRON", "0 2 * * *"),
        districts_file=Path(os.environ["DISTRICTS_FILE"]) if os.environ.get("DISTRICTS_FILE") else None,
        portal_version_ttl_seconds=float(os.environ.get("PORTAL_VERSION_TTL_SECONDS", "1")),
        evidence_dir=Path(os.environ.get("EVIDENCE_DIR") or data_dir / "evidence"),
        evidence_max_bytes=int(os.environ.get("EVIDENCE_MAX_BYTES", str(5 * 1024 * 1024))),
        evidence_max_files=int(os.environ.get("EVIDENCE_MAX_FILES", "5")),
        evidence_orphan_grace_hours=float(os.environ.get("EVIDENCE_ORPHAN_GRACE_HOURS", "24")),
        evidence_s3=_evidence_s3(),
    )


def _evidence_s3() -> EvidenceS3 | None:
    """The S3 store's settings when EVIDENCE_S3_ENDPOINT is set; SettingsError naming what is missing or wrong."""
    endpoint = os.environ.get("EVIDENCE_S3_ENDPOINT", "").strip()
    if not endpoint:
        return None
    parts = urlsplit(endpoint)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path.strip("/") or parts.query:
        raise SettingsError(f"EVIDENCE_S3_ENDPOINT must be http://host[:port] or https://host[:port], not {endpoint!r}")
    required = ("EVIDENCE_S3_BUCKET", "EVIDENCE_S3_ACCESS_KEY", "EVIDENCE_S3_SECRET_KEY")
    values = {name: os.environ.get(name, "").strip() for name in required}
    if missing := [name for name, value in values.items() if not value]:
        raise SettingsError(f"EVIDENCE_S3_ENDPOINT is set, so {' and '.join(missing)} must be set too")
    prefix = os.environ.get("EVIDENCE_S3_PREFIX", "").strip().strip("/")
    return EvidenceS3(
        endpoint=f"{parts.scheme}://{parts.netloc}",
        bucket=values["EVIDENCE_S3_BUCKET"],
        access_key=values["EVIDENCE_S3_ACCESS_KEY"],
        secret_key=values["EVIDENCE_S3_SECRET_KEY"],
        region=os.environ.get("EVIDENCE_S3_REGION", "").strip() or None,
        prefix=f"{prefix}/" if prefix else "",
    )


try:
    settings = load_settings()
except SettingsError as error:  # at start-up: the one line that says what to fix, not a traceback
    sys.exit(f"eldercredit: configuration refused: {error}")
