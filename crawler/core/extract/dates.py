"""Dates as pages write them: ISO 8601 (with or without separators and zone), RFC 2822,
``YYYY/MM/DD``, and dates in URL paths. Naive times are taken as UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Anything before this is a CMS placeholder ("0001-01-01"), not a publication date.
EARLIEST_YEAR = 1990
_ISO_ZONE = re.compile(r"([+-]\d\d)(\d\d)$")
_SLASHED = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[T ](\d{1,2}):(\d\d)(?::(\d\d))?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d\d)(\d\d)(?:T?(\d\d)(\d\d)(\d\d)?)?Z?$")
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2]|[1-9])[/-]?(0[1-9]|[12]\d|3[01]|[1-9])(?:/|$|[-_.])"
)


def parse_date(value: str | None) -> datetime | None:
    """Parse a date as pages write it; None when it is not one (or is implausibly early)."""
    value = (value or "").strip()
    if not value or len(value) > 64:
        return None
    parsed = _iso(value) or _slashed(value) or _rfc2822(value)
    if parsed is None or parsed.year < EARLIEST_YEAR:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def url_date(url: str) -> datetime | None:
    """The date in a URL path such as ``/2019/11/19/slug`` or ``/2019-11-19-slug``."""
    match = _URL_DATE.search(url)
    if not match:
        return None
    try:
        found = datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=UTC)
    except ValueError:
        return None
    return found if found.year >= EARLIEST_YEAR else None


def _iso(value: str) -> datetime | None:
    text = value.replace("Z", "+00:00").replace("z", "+00:00")
    if len(text) > 10 and text[10] == " ":
        text = f"{text[:10]}T{text[11:]}"
    text = _ISO_ZONE.sub(r"\1:\2", text.replace(" ", ""))
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _slashed(value: str) -> datetime | None:
    match = _SLASHED.match(value) or _COMPACT.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part) if part else 0 for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _rfc2822(value: str) -> datetime | None:
    if not any(ch.isalpha() for ch in value):
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
