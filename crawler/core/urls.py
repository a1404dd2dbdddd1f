"""Canonical URLs: one key per article, whatever tracking junk or AMP/mobile variant arrives.

Steps (in order):
1. an AMP cache URL (``*.cdn.ampproject.org/c/s/<original>``) is replaced by the original;
2. lower-case scheme and host, drop the default port, the fragment and a trailing dot on the
   host; fold ``www.``, ``m.``, ``mobile.`` and ``amp.`` hosts onto the bare host (so the
   desktop, mobile and AMP hosts of one site give one key — most sites answer on both the
   bare and the ``www.`` host, and the key is what matters for deduplication);
3. drop tracking parameters (the patterns below, kept as data) and ``amp`` switches
   (``?amp``, ``?amp=1``, ``outputType=amp``), sort the rest;
4. fold AMP paths: an ``amp`` path segment anywhere (``/news/amp/…``, ``/story/amp/``), an
   ``.amp`` suffix (``story.amp``, ``story.amp.html``);
5. normalise percent-encoding and the query with w3lib's ``canonicalize_url`` (already a
   dependency; it is what scrapy uses for its request fingerprints);
6. :func:`choose_canonical` prefers the page's own ``rel=canonical`` / ``og:url`` when it is
   consistent with the fetched page: http(s), same site once www/mobile/AMP hosts are folded,
   and neither the front page nor a section above the fetched page (both are CMS mistakes).

A string that cannot be a link — broken IPv6 brackets, a port that is not a number or is
outside 0–65535, characters that cannot be encoded — makes :func:`canonical_url` raise
``ValueError``; :func:`followable` is the check feed parsing uses to drop such links (feeds
are written by strangers). :func:`source_of` is the one ``host[:port]`` normaliser: events,
per-host politeness and robots.txt origins all use it, so ``a.com`` and ``a.com:443`` are one
host.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as _w3lib_canonicalize

TRACKING_PARAMS = re.compile(
    r"^(utm_.*|fbclid|gclid|gclsrc|dclid|msclkid|yclid|mc_cid|mc_eid|ocid|cvid|cmpid|cmp|ito|"
    r"_ga|_gl|igshid|mkt_tok|s_cid|s_kwcid|ncid|sr_share|smid|smtyp|ref_src|ref_url|"
    r"at_medium|at_campaign|at_custom\d|wt\.mc_id|wt_mc_id|xtor|__twitter_impression|"
    r"spm|share|traffic_source|cid|icid|feature|ns_source|ns_mchannel|ns_campaign|ns_linkname|"
    r"ns_fee|partner|rss|dicbo|soc_src|soc_trk|_hsenc|_hsmi|oly_enc_id|oly_anon_id|vero_id|"
    r"rb_clickid|guccounter|guce_referrer|guce_referrer_sig|taid|cmpid_.*)$",
    re.IGNORECASE,
)
AMP_PARAMS = re.compile(r"^(amp|outputtype|output|amp_js_v|usqp|amp_gsa|amp_tf)$", re.IGNORECASE)
AMP_VALUES = frozenset({"", "1", "amp", "true", "yes", "mq331ac2"})
FOLDED_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_SEGMENT = re.compile(r"/amp(?=/|$)", re.IGNORECASE)
_AMP_SUFFIX = re.compile(r"\.amp(?=$|\.html?$)", re.IGNORECASE)
_AMP_CACHE = re.compile(r"^/[cv]/(s/)?(.+)$")
_NOT_IN_HOST = frozenset('\\<>"{}|^`')


def canonical_url(url: str) -> str:
    """The canonical form of ``url`` (see the module docstring for the steps).

    Raises ``ValueError`` when ``url`` cannot be a link (see the module docstring).
    """
    parts = urlsplit(_unwrap_amp_cache(url.strip()))
    scheme = parts.scheme.lower()
    host = fold_host((parts.hostname or "").rstrip(".").lower())
    netloc = host if ":" not in host else f"[{host}]"
    port = parts.port
    if port and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    path = _AMP_SUFFIX.sub("", _AMP_SEGMENT.sub("", parts.path)) or "/"
    rebuilt = urlunsplit((scheme, netloc, path, _clean_query(parts.query), ""))
    return str(_w3lib_canonicalize(rebuilt, keep_fragments=False))


def followable(url: str) -> bool:
    """True for an http(s) URL with a plausible host that :func:`canonical_url` accepts."""
    if not url.startswith(("http://", "https://")):
        return False
    try:
        host = urlsplit(url).hostname or ""
        canonical_url(url)
    except ValueError:
        return False
    return bool(host) and not any(c.isspace() or ord(c) < 32 or c in _NOT_IN_HOST for c in host)


def fold_host(host: str) -> str:
    """``www.``/``m.``/``mobile.``/``amp.`` dropped when a registrable name remains."""
    for prefix in FOLDED_HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix) :]
    return host


def _unwrap_amp_cache(url: str) -> str:
    """``https://www-bbc-co-uk.cdn.ampproject.org/c/s/www.bbc.co.uk/x`` → the original URL."""
    parts = urlsplit(url)
    if not (parts.hostname or "").endswith(".cdn.ampproject.org"):
        return url
    match = _AMP_CACHE.match(parts.path)
    if match is None:
        return url
    scheme = "https" if match.group(1) else "http"
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{match.group(2)}{query}"


def _clean_query(query: str) -> str:
    pairs = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        if TRACKING_PARAMS.match(key):
            continue
        if AMP_PARAMS.match(key) and value.lower() in AMP_VALUES:
            continue
        pairs.append((key, value))
    return urlencode(sorted(pairs))


def choose_canonical(fetched_url: str, declared: str) -> str:
    """Canonical URL of a page: the declared one when consistent with the fetched one."""
    fetched = canonical_url(fetched_url)
    try:
        declared = urljoin(fetched_url, declared.strip()) if declared.strip() else ""
    except ValueError:
        return fetched
    if not declared.startswith(("http://", "https://")):
        return fetched
    try:
        candidate = canonical_url(declared)
    except ValueError:  # a malformed declaration is a CMS mistake too
        return fetched
    if site_of(candidate) != site_of(fetched):
        return fetched
    fetched_path = urlsplit(fetched).path.rstrip("/")
    candidate_path = urlsplit(candidate).path.rstrip("/")
    if candidate_path != fetched_path and fetched_path.startswith(candidate_path + "/"):
        return fetched  # the front page or a section above the article: a CMS mistake
    return candidate


def site_of(url: str) -> str:
    """The host without ``www.``/mobile/AMP prefixes: enough to tell "same publisher"."""
    return fold_host((urlsplit(url).hostname or "").lower())


def source_of(url: str) -> str:
    """``host[:port]`` of a URL, lower-cased, the scheme's default port dropped, an IPv6
    address in brackets: how events name a source, and the unit of per-host politeness and of
    robots.txt origins. Raises ``ValueError`` on a malformed port or IPv6 address."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if ":" in host:
        host = f"[{host}]"
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{parts.port}"
    return host
