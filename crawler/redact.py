"""Secrets out of everything newswatch prints: one masking function for every URL form.

:func:`redact_url` masks one URL, :func:`redact` every URL inside a text (log lines, error
messages, ``status``). What is masked (replaced by ``***``):

* the password of the user info, whatever the scheme: ``redis://user:pw@h``, ``redis://:pw@h``,
  ``mailto://user:pass@host`` (a bare user name, ``redis://user@h``, is kept);
* the value of every query or fragment parameter whose name says it holds a secret —
  ``password``, ``passwd``, ``pwd``, ``token``, ``access_token``, ``key``, ``apikey``,
  ``api_key``, ``secret``, ``client_secret``, ``auth``, ``signature``, ``sig``, ``session``,
  … (any name containing ``pass``, ``pwd``, ``token``, ``secret``, ``key``, ``auth``, ``sig``,
  ``cred`` or ``session``);
* in web URLs (http, https, ws, wss, redis, rediss, unix, file), every path segment that looks
  like a generated token: 20 characters or more of ``[A-Za-z0-9_-]`` mixing upper case, lower
  case and digits (a Slack or Discord webhook's token; article slugs and hex ids are kept);
* in every other scheme — Apprise-style notification URLs such as ``tgram://BOTTOKEN/CHAT``,
  ``slack://TokenA/TokenB/TokenC``, ``discord://id/token``, ``pover://user@token`` — the host
  and every path segment that holds a digit, mixes upper and lower case, or is 16 characters
  or longer (those services put their credentials there); plain names (``gmail.com``,
  ``#channel``) are kept.

Masking errs on the side of hiding: a masked harmless part costs a little readability, a
printed token costs a leak. Use :func:`redact` on any text that may hold a URL before it is
printed or logged; :class:`RedactingFormatter` does it for every log record (tracebacks too).
"""

from __future__ import annotations

import logging
import re

MASK = "***"
WEB_SCHEMES = frozenset({"http", "https", "ws", "wss", "redis", "rediss", "unix", "file"})
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s'\"<>`]+")
_SECRET_NAME = re.compile(r"pass|pwd|token|secret|key|auth|sig|cred|session", re.IGNORECASE)
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_-]{20,}")


def redact(text: str) -> str:
    """``text`` with every URL in it passed through :func:`redact_url`."""
    if "://" not in text:
        return text
    return _URL.sub(_redact_match, text)


def _redact_match(match: re.Match[str]) -> str:
    url = match.group(0)
    kept = url.rstrip(".,;:!?)]}")  # sentence punctuation after a URL is not part of it
    return redact_url(kept) + url[len(kept) :]


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def redact_url(url: str) -> str:
    """``url`` with its secrets masked (see the module docstring for what counts)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    if not _SCHEME.fullmatch(scheme):
        return redact(url)  # "webhook:http://…": a name holding a URL, not a URL
    web = scheme.lower() in WEB_SCHEMES
    rest, hash_sign, fragment = rest.partition("#")
    rest, question, query = rest.partition("?")
    authority, slash, path = rest.partition("/")
    out = f"{scheme}://{_authority(authority, web)}"
    if slash:
        out += "/" + "/".join(_segment(s, web) for s in path.split("/"))
    if question:
        out += "?" + _params(query)
    if hash_sign:
        out += "#" + (_params(fragment) if "=" in fragment else _segment(fragment, web))
    return out


def _authority(authority: str, web: bool) -> str:
    userinfo, at, host = authority.rpartition("@")
    if not at:
        return authority if web else _segment(authority, web)
    user, colon, _ = userinfo.partition(":")
    masked_user = f"{user}:{MASK}" if colon else (user if web else _segment(user, web))
    return f"{masked_user}@{host if web else _segment(host, web)}"


def _params(query: str) -> str:
    parts = []
    for part in query.split("&"):
        name, eq, value = part.partition("=")
        secret = eq and value and _SECRET_NAME.search(name)
        parts.append(f"{name}={MASK}" if secret else part)
    return "&".join(parts)


def _segment(segment: str, web: bool) -> str:
    if not segment:
        return segment
    if web:
        return MASK if _TOKEN_CHARS.fullmatch(segment) and _mixed(segment) else segment
    if segment[0] in "#@" and not any(c.isdigit() for c in segment):
        return segment  # a channel or user name
    if any(c.isdigit() for c in segment) or len(segment) >= 16 or _cased(segment):
        return MASK
    return segment


def _mixed(segment: str) -> bool:
    return _cased(segment) and any(c.isdigit() for c in segment)


def _cased(segment: str) -> bool:
    return any(c.isupper() for c in segment) and any(c.islower() for c in segment)


class RedactingFormatter(logging.Formatter):
    """A log formatter that masks the secrets of every URL in the formatted record."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
