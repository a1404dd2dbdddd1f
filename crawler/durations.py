"""Durations as people write them in config: "30s", "10m", "1h30m", "2d", or plain seconds."""

from __future__ import annotations

import re

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_WHOLE = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+")


def parse_duration(value: object) -> float:
    """Return seconds for ``value``; raise ``ValueError`` with an example of the right form."""
    if isinstance(value, bool):
        raise ValueError('expected a duration such as "30s", "10m", "1h" or "2d"')
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        if _WHOLE.fullmatch(text):
            return sum(float(n) * _UNITS[u] for n, u in _PART.findall(text))
    raise ValueError(f'{value!r} is not a duration; write it like "30s", "10m", "1h" or "2d"')


def format_duration(seconds: float) -> str:
    """Render seconds compactly ("1h30m", "45s") for logs and status output."""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    rest = round(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return "".join(parts) or "0s"
