"""``newswatch story STORY [--json]``: the story's copy clusters.

One line per cluster representative (the earliest seen article, or the seed), then its copies
with their sources and when each was first seen. Articles that nobody copied are clusters of
one. Then the feed entries the pre-filter skipped (the newest ``SHOW_SKIPPED``; they are kept
and re-checked as the story's profile grows). ``--json`` prints ``{"story", "clusters":
[{"representative", "copies", "sources"}], "skipped_entries": {"count", "latest"}}``.
"""

from __future__ import annotations

import json
from typing import Any

from crawler.config import Settings
from crawler.runtime import open_store
from crawler.store.clusters import SEED_DOC, Cluster, Member, read_clusters

SHOW_SKIPPED = 10


async def story(settings: Settings, story_id: str, as_json: bool) -> int:
    config = settings.story_by_id(story_id)
    async with open_store(settings) as (store, _):
        clusters = await read_clusters(store.articles, config.id, config.seed)
        skipped = await store.discovery.skipped_count(config.id)
        latest = await store.discovery.skipped(config.id, count=SHOW_SKIPPED)
    if as_json:
        data = {
            "story": config.id,
            "clusters": [cluster_json(c) for c in clusters],
            "skipped_entries": {
                "count": skipped,
                "latest": [
                    {"link": e.link, "title": e.title, "feed": e.feed, "at": e.at} for e in latest
                ],
            },
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    articles = sum(len(c.copies) + (c.representative.doc != SEED_DOC) for c in clusters)
    print(f"story {config.id}: {len(clusters)} cluster(s), {articles} tracked article(s)")
    for cluster in clusters:
        rep = cluster.representative
        if rep.doc == SEED_DOC:
            print(f"* seed  {rep.url}")
        else:
            print(f"* {_when(rep)}  {rep.source}  {rep.title}\n    {rep.url}")
        for copy in cluster.copies:
            print(f"    copy  {_when(copy)}  {copy.source}  {copy.url}")
    if skipped:
        print(
            f"{skipped} feed entries skipped by the pre-filter "
            "(kept, re-checked as the profile grows):"
        )
        for entry in latest:
            print(f"    {entry.at[:19].replace('T', ' ')}Z  {entry.title}  {entry.link}")
    return 0


def cluster_json(cluster: Cluster) -> dict[str, Any]:
    return {
        "representative": _member_json(cluster.representative),
        "copies": [_member_json(c) for c in cluster.copies],
        "sources": cluster.sources,
    }


def _member_json(member: Member) -> dict[str, Any]:
    return {
        "doc": member.doc,
        "url": member.url,
        "title": member.title,
        "source": member.source,
        "first_seen": member.first_seen or None,
    }


def _when(member: Member) -> str:
    return member.first_seen[:19].replace("T", " ") + "Z" if member.first_seen else "-"
