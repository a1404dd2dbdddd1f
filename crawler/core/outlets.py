"""Outlet names (pure): which news outlet a source ``host[:port]`` is, from the feeds' titles.

Events name a source by ``host[:port]`` (stable, what a machine wants); people want "Steppe
Wire". A configured feed whose entries link to at most :data:`MAX_HOSTS` hosts is a
publisher's own feed, so its title names those hosts. An aggregator's feed links to many
hosts and names none; discovery's news searches are never asked (the scheduler only passes
configured feeds). The names are kept in Redis (``{p}outlets``) and used for display only.
"""

from __future__ import annotations

from collections.abc import Iterable

from crawler.core.text import normalize_space
from crawler.core.urls import source_of

MAX_HOSTS = 2
MAX_NAME = 80  # characters: a feed title is a name, not a sentence


def outlet_names(title: str, links: Iterable[str]) -> dict[str, str]:
    """``{host: name}`` for the hosts a publisher's feed titled ``title`` links to."""
    name = normalize_space(title)[:MAX_NAME].strip()
    if not name:
        return {}
    hosts: set[str] = set()
    for link in links:
        try:
            hosts.add(source_of(link))
        except ValueError:
            continue
        if len(hosts) > MAX_HOSTS:
            return {}
    return {host: name for host in hosts if host}


def label(source: str, names: dict[str, str]) -> str:
    """``"Steppe Wire"`` for a named source, else the source itself."""
    return names.get(source, source)
