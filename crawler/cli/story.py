"""``newswatch story STORY [--json]``: the story's copy clusters, near misses, skipped entries.

One line per cluster representative (the earliest published article, or the seed), then its
copies with their sources and when each was first seen. Articles that nobody copied are
clusters of one. Then the story's current core names and focus terms (what the grown profile
says the story is about now), the latest ``SHOW_NEAR_MISSES`` *near misses* — articles judged
unrelated that scored at least half the threshold, with their score (against the seed and the
grown profile) and top terms, so a miss can be diagnosed — and the feed entries the
pre-filter skipped (the newest ``SHOW_SKIPPED``; they are kept and re-checked as the story's
profile grows). ``--json`` prints ``{"story", "clusters": [{"representative", "copies",
"sources"}], "profile": {"core_names", "focus_terms"}, "near_misses": [{"url", "title",
"score", "seed_score", "profile_score", "terms", "at"}], "skipped_entries": {"count",
"latest"}}``.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from crawler.config import Settings
from crawler.core.profile import focus_terms
from crawler.runtime import open_store
from crawler.store.clusters import SEED_DOC, Cluster, Member, read_clusters
from crawler.store.discovery import NearMiss

SHOW_SKIPPED = 10
SHOW_NEAR_MISSES = 10


async def story(settings: Settings, story_id: str, as_json: bool) -> int:
    config = settings.story_by_id(story_id)
    async with open_store(settings) as (store, _):
        clusters = await read_clusters(store.articles, config.id, config.seed)
        skipped = await store.discovery.skipped_count(config.id)
        latest = await store.discovery.skipped(config.id, count=SHOW_SKIPPED)
        near = await store.discovery.near_misses(config.id, SHOW_NEAR_MISSES)
        profile, _ = await store.discovery.profile(config.id)
        stats = await store.terms.stats(set(profile.terms))
    names, focus = sorted(profile.core_names()), focus_terms(profile, stats)
    if as_json:
        data = {
            "story": config.id,
            "clusters": [cluster_json(c) for c in clusters],
            "profile": {"core_names": names, "focus_terms": focus},
            "near_misses": [asdict(m) for m in near],
            "skipped_entries": {
                "count": skipped,
                "latest": [
                    {"link": e.link, "title": e.title, "feed": e.feed, "at": e.at} for e in latest
                ],
            },
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    _print_clusters(config.id, clusters)
    if names:
        print(f"the story now: {', '.join(names)}; {', '.join(focus)}")
    _print_near_misses(near)
    if skipped:
        print(
            f"{skipped} feed entries skipped by the pre-filter "
            "(kept, re-checked as the profile grows):"
        )
        for entry in latest:
            print(f"    {entry.at[:19].replace('T', ' ')}Z  {entry.title}  {entry.link}")
    return 0


def _print_clusters(story_id: str, clusters: list[Cluster]) -> None:
    articles = sum(len(c.copies) + (c.representative.doc != SEED_DOC) for c in clusters)
    print(f"story {story_id}: {len(clusters)} cluster(s), {articles} tracked article(s)")
    for cluster in clusters:
        rep = cluster.representative
        if rep.doc == SEED_DOC:
            print(f"* seed  {rep.url}")
        else:
            print(f"* {_when(rep)}  {rep.source}  {rep.title}\n    {rep.url}")
        for copy in cluster.copies:
            print(f"    copy  {_when(copy)}  {copy.source}  {copy.url}")


def _print_near_misses(near: list[NearMiss]) -> None:
    if not near:
        return
    print(f"{len(near)} latest near misses (judged unrelated; score vs seed / profile):")
    for miss in near:
        print(
            f"    {miss.score:.2f} ({miss.seed_score:.2f} / {miss.profile_score:.2f})  "
            f"{miss.title}  {miss.url}\n      top terms: {', '.join(miss.terms) or '-'}"
        )


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
        "published": member.published or None,
    }


def _when(member: Member) -> str:
    return member.first_seen[:19].replace("T", " ") + "Z" if member.first_seen else "-"
