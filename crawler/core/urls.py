"""Canonical URLs: one key per article, whatever tracking junk or AMP/mobile variant arrives.

Steps (in order):
1. lower-case scheme and host, drop the default port, the fragment and a trailing dot on the host;
2. drop tracking parameters (patterns below, kept as data) and sort the rest (w3lib);
3. fold AMP variants (``/amp``, ``/amp/`` suffix, ``.amp`` suffix, ``?amp``, ``outputType=amp``,
   ``amp.`` host) and mobile hosts (``m.``, ``mobile.``) onto the desktop URL;
4. prefer the page's own ``rel=canonical`` / ``og:url`` when it is consistent with the fetched
   page (same registrable host, http(s), not the site's front page).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as _w3lib_canonicalize

TRACKING_PARAMS = re.compile(
    r"^(utm_.*|fbclid|gclid|gclsrc|dclid|msclkid|yclid|mc_cid|mc_eid|ocid|cmpid|cmp|ito|"
    r"_ga|_gl|igshid|mkt_tok|s_cid|s_kwcid|ncid|sr_share|smid|smtyp|ref_src|ref_url|"
    r"at_medium|at_campaign|at_custom\d|wt\.mc_id|wt_mc_id|xtor|__twitter_impression|"
    r"spm|share|traffic_source|cid|feature|ns_source|ns_mchannel|ns_campaign|ns_linkname|"
    r"ns_fee|partner|rss|dicbo|soc_src|soc_trk)$",
    re.IGNORECASE,
)
AMP_PARAMS = re.compile(r"^(amp|outputtype|output|amp_js_v|usqp)$", re.IGNORECASE)
MOBILE_HOST_PREFIXES = ("m.", "mobile.", "amp.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_PATH = re.compile(r"(/amp/?|\.amp(?=$|\.html?$)|/amp\.html?)$", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """The canonical form of ``url`` (see the module docstring for the steps)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    for prefix in MOBILE_HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    netloc = host if ":" not in host else f"[{host}]"
    port = parts.port
    if port and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    path = _AMP_PATH.sub("", parts.path) or "/"
    query = _clean_query(parts.query)
    rebuilt = urlunsplit((scheme, netloc, path, query, ""))
    return str(_w3lib_canonicalize(rebuilt, keep_fragments=False))


def _clean_query(query: str) -> str:
    pairs = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        if TRACKING_PARAMS.match(key):
            continue
        if AMP_PARAMS.match(key) and value.lower() in ("", "1", "amp", "true"):
            continue
        pairs.append((key, value))
    return urlencode(sorted(pairs))


def choose_canonical(fetched_url: str, declared: str) -> str:
    """Canonical URL of a page: the declared one when consistent with the fetched one."""
    fetched = canonical_url(fetched_url)
    if not declared or not declared.startswith(("http://", "https://")):
        return fetched
    candidate = canonical_url(declared)
    if site_of(candidate) != site_of(fetched):
        return fetched
    if urlsplit(candidate).path in ("", "/") and urlsplit(fetched).path not in ("", "/"):
        return fetched  # a canonical pointing at the front page is a CMS mistake
    return candidate


def site_of(url: str) -> str:
    """The host without ``www.``/mobile prefixes: enough to tell "same publisher"."""
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", *MOBILE_HOST_PREFIXES):
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix) :]
    return host


def source_of(url: str) -> str:
    """``host[:port]`` of a URL, as events report it."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{parts.port}"
    return host
