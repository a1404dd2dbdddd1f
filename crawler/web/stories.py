"""The stories, read for the web view and the API (one reader, two presentations).

A figure is a fact key (kind, counted group, scope) of the story; its readings come from the story's
timeline (``store.timeline``) and are shown with the outlet's name where the feeds named it.
Read tolerantly: the timeline's effect vocabulary may grow, and unknown effects are shown
as they are.
"""

from __future__ import annotations

from typing import Any

from crawler.config import StoryConfig
from crawler.core.facts.story import SEED_DOC, Report
from crawler.core.outlets import label
from crawler.store.clusters import Cluster, Member, read_clusters
from crawler.web.chart import ChartPoint, figure_chart
from crawler.web.context import Context

LAST_EVENTS = 5
STORY_EVENTS = 50
NEAR_MISSES = 20


async def stories(ctx: Context) -> list[dict[str, Any]]:
    out = []
    names = await ctx.store.readouts.outlets()
    for story in ctx.settings.story:
        current = {
            k: s.report for k, s in (await ctx.store.timeline.all_standings(story.id)).items()
        }
        out.append(
            {
                "id": story.id,
                "seed": story.seed,
                "tracked": len(await ctx.store.articles.tracked_docs(story.id)),
                "figures": [_reading(r, names) for r in current.values()],
                "last_events": await ctx.store.readouts.latest_events(story.id, LAST_EVENTS),
                "skipped_entries": await ctx.store.discovery.skipped_count(story.id),
            }
        )
    return out


async def story(ctx: Context, story: StoryConfig) -> dict[str, Any]:
    names = await ctx.store.readouts.outlets()
    clusters = await read_clusters(ctx.store.articles, story.id, story.seed)
    skipped = await ctx.store.discovery.skipped(story.id, count=NEAR_MISSES)
    return {
        "id": story.id,
        "seed": story.seed,
        "facts": await timeline(ctx, story, names),
        "clusters": [_cluster(c, names) for c in clusters],
        "near_misses": {
            "count": await ctx.store.discovery.skipped_count(story.id),
            "latest": [
                {"link": e.link, "title": e.title, "feed": e.feed, "at": e.at} for e in skipped
            ],
        },
        "events": await ctx.store.readouts.latest_events(story.id, STORY_EVENTS),
    }


async def timeline(
    ctx: Context, story: StoryConfig, names: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Per fact key: the current reading and every reading over time, oldest first."""
    names = await ctx.store.readouts.outlets() if names is None else names
    standings = await ctx.store.timeline.all_standings(story.id)
    out = []
    for key in await ctx.store.timeline.fact_keys(story.id):
        held = standings.get(key)
        now = held.report if held else None
        reports = await ctx.store.timeline.entries(story.id, key)
        kind, subject, *scope = key.split("|")
        out.append(
            {
                "key": key,
                "kind": kind,
                "subject": subject + (f" [{', '.join(scope)}]" if scope else ""),
                "current": _reading(now, names) if now else None,
                "timeline": [{**_reading(r, names), "current": _same(r, now)} for r in reports],
            }
        )
    return out


# effects that move the story's figure (crawler/core/facts/ledger.py); the others leave it
MOVES = frozenset({"first", "revised", "corrected", "article", "higher"})


def chart(figure: dict[str, Any]) -> str:
    """The SVG chart of one figure of :func:`timeline`; a revision is labelled with the
    reading it replaced (the story's value just before it)."""
    points, before = [], ""
    for r in figure["timeline"]:
        points.append(
            ChartPoint(
                source=r["outlet"],
                when=None if r["seed"] else r["when"],
                value=float(r["value"]),
                reading=r["reading"],
                effect=r["effect"],
                previous=before,
                current=r["current"],
            )
        )
        if r["effect"] in MOVES:
            before = r["reading"]
    return figure_chart(f"{figure['kind']} ({figure['subject']})", points)


def _reading(report: Report, names: dict[str, str]) -> dict[str, Any]:
    fact = report.fact.to_json()
    when = report.reported_at or report.seen_at
    return {
        **{k: fact[k] for k in ("kind", "subject", "value", "low", "high", "qualifier", "text")},
        "reading": f"{report.fact.qualifier} {fact['value']}".strip(),
        "source": report.article.source,
        "outlet": "seed" if report.doc == SEED_DOC else label(report.article.source, names),
        "url": report.article.url,
        "title": report.article.title,
        "version": report.article.version,
        "seed": report.doc == SEED_DOC,
        "when": when,
        "reported_at": report.reported_at.isoformat() if report.reported_at else None,
        "effect": report.effect,
    }


def _same(a: Report, b: Report | None) -> bool:
    return b is not None and (a.doc, a.article.version) == (b.doc, b.article.version)


def _cluster(cluster: Cluster, names: dict[str, str]) -> dict[str, Any]:
    return {
        "representative": _member(cluster.representative, names),
        "copies": [_member(c, names) for c in cluster.copies],
    }


def _member(member: Member, names: dict[str, str]) -> dict[str, Any]:
    return {
        "doc": member.doc,
        "url": member.url,
        "title": member.title,
        "source": member.source,
        "outlet": label(member.source, names) if member.source else "",
        "first_seen": member.first_seen or None,
    }
