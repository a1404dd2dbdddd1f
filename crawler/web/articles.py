"""Tracked articles, read for the web view and the API: every version, and two versions
side by side (:mod:`crawler.web.sidebyside`)."""

from __future__ import annotations

from typing import Any

from crawler.core.outlets import label
from crawler.web.context import Context
from crawler.web.sidebyside import SideBySide, side_by_side


class NotFound(LookupError):
    """What was asked for is not in the store; the message says what."""


async def article(ctx: Context, url: str) -> dict[str, Any]:
    """Every story tracking ``url``, with the article's versions (newest last)."""
    names = await ctx.store.readouts.outlets()
    found = []
    for story in ctx.settings.story:
        doc = await ctx.store.articles.doc_for_url(story.id, url)
        tracked = await ctx.store.articles.get(story.id, doc)
        if tracked is None:
            continue
        versions = await ctx.store.articles.versions(story.id, doc)
        found.append(
            {
                "story": story.id,
                "doc": doc,
                "url": tracked.url,
                "canonical_url": tracked.canonical_url,
                "title": tracked.title,
                "source": tracked.source,
                "outlet": label(tracked.source, names),
                "verdict": tracked.verdict,
                "cluster": tracked.cluster,
                "first_seen": tracked.first_seen,
                "current": tracked.version,
                "versions": [v.to_json() for v in versions],
            }
        )
    if not found:
        raise NotFound(f"{url} is not tracked by any story")
    return {"url": url, "stories": found}


async def diff(
    ctx: Context, url: str, story: str, old: int | None, new: int | None
) -> tuple[dict[str, Any], SideBySide]:
    """Versions ``old`` → ``new`` of ``url`` in ``story`` (default: the last two)."""
    ctx.settings.story_by_id(story)
    doc = await ctx.store.articles.doc_for_url(story, url)
    tracked = await ctx.store.articles.get(story, doc)
    if tracked is None:
        raise NotFound(f"{url} is not tracked by story {story}")
    latest = tracked.latest or await ctx.store.articles.count_versions(story, doc)
    new = new or latest
    old = old or max(new - 1, 1)
    before = await ctx.store.articles.version(story, doc, old)
    after = await ctx.store.articles.version(story, doc, new)
    if before is None or after is None:
        raise NotFound(f"{url} has versions 1…{latest} in story {story}")
    shown = side_by_side(before, after)
    data = {
        "story": story,
        "url": tracked.url,
        "title": after.title,
        "from": old,
        "to": new,
        "added": list(shown.added),
        "removed": list(shown.removed),
        "figures": [
            {"kind": new.kind, "subject": new.subject, "old": old.to_json(), "new": new.to_json()}
            for old, new in shown.figures
        ],
    }
    return data, shown
