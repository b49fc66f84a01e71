"""Structured logs: JSON lines in production, readable lines in development; personal data scrubbed."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from credit.identifiers import mask_free_text

# Percent-encoded digits and X (a query string such as ?q=%31%31%30...), decoded before looking for numbers.
_ENCODED_DIGIT = re.compile(r"%(3[0-9]|58|78)")
# 18-character 身份证 numbers, long digit runs (cards, phones) and secrets in key=value form.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_SECRET = re.compile(
    r"(?i)(password|passwd|token|secret|api[_-]?key|authorization)([\"']?\s*[:=]\s*[\"']?)"
    r"(bearer\s+)?[^\s\"',;&]+"
)


def scrub(text: str) -> str:
    """Mask ID numbers and phone numbers, and drop anything that looks like a credential.

    An ID number is found wherever it stands: next to letters, digits, Chinese or %-escapes, and with its
    own digits percent-encoded (those are decoded first; the line keeps the same meaning).
    """
    text = _ENCODED_DIGIT.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = mask_free_text(text)
    text = _ID_NUMBER.sub(r"\1********\2", text)
    text = _PHONE.sub(r"\1****\2", text)
    return _SECRET.sub(r"\1\2[redacted]", text)


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("job", "route", "status", "duration_ms", "event"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["error"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(log_format: str, level: int = logging.INFO) -> None:
    """Send every log record through the scrubber to stderr, as JSON or as text."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ScrubFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a client library; one line per request is noise
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).handlers[:] = []
        logging.getLogger(noisy).propagate = True
