"""The judge's pure helpers: publication times, the representative-to-be, the decisions and
their explanations (no I/O; :mod:`crawler.stages.article.judging` reads and writes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from crawler.config import StoryConfig
from crawler.core.copies import Likeness
from crawler.core.facts.story import SEED_DOC
from crawler.core.profile import Judgement
from crawler.core.urls import source_of
from crawler.models import Decision
from crawler.store import TrackedArticle

if TYPE_CHECKING:
    from crawler.stages.article.pipeline import Page


def published_at(page: Page) -> datetime:
    """The page's own publication time, never later than when we fetched it; else that."""
    fetched = page.version.fetched_at
    published = page.article.published
    if published is None:
        return fetched
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return min(published, fetched)


def earliest(clusters: dict[str, TrackedArticle | None], page: Page) -> str:
    """The representative-to-be: the seed, else the earliest published (ties: first seen).

    A newcomer displaces a representative only when its own publication time is earlier:
    a page without one, or published at the same time, never does — its fetch time only
    says when a worker happened to get to it, and workers racing on copies fetch them
    milliseconds apart in any order, so the first judged stays the representative.
    """
    if SEED_DOC in clusters:
        return SEED_DOC
    times = {rep: _time_of(head) for rep, head in clusters.items() if head is not None}
    published = published_at(page).isoformat() if page.article.published else LAST
    times[page.doc] = (published, LAST)
    return min(times, key=lambda d: (times[d], d))


LAST = "~"  # sorts after every ISO time


def _time_of(article: TrackedArticle) -> tuple[str, str]:
    return (article.published or article.first_seen, article.first_seen)


def tracked_article(
    story: StoryConfig, page: Page, decision: Decision, cluster: str
) -> TrackedArticle:
    version = page.version
    return TrackedArticle(
        story=story.id,
        doc=page.doc,
        url=page.fetched.url,
        canonical_url=page.canonical,
        title=page.article.title,
        source=source_of(page.fetched.url),
        verdict=decision.verdict,
        cluster=cluster,
        version=1,
        content_hash=version.content_hash,
        first_seen=version.fetched_at.isoformat(),
        relevance=decision.relevance,
        published=published_at(page).isoformat() if page.article.published else "",
    )


def duplicate(url: str, like: Likeness | None) -> Decision:
    if like is None:
        return Decision("duplicate", duplicate_of=url)
    return Decision(
        "duplicate",
        duplicate_of=url,
        similarity=round(like.similarity, 4),
        containment=round(like.containment, 4),
        changed_sentences=like.changed,
    )


def related(judgement: Judgement, verdict: str) -> Decision:
    return Decision(
        "related" if verdict == "related" else "unrelated",
        relevance=judgement.score,
        shared_terms=judgement.shared_terms,
        seed_relevance=judgement.seed.score,
        profile_relevance=judgement.grown.score if judgement.grown else 0.0,
    )


def top_terms(judgement: Judgement) -> tuple[str, ...]:
    best = judgement.seed
    if judgement.grown is not None and judgement.grown.score > best.score:
        best = judgement.grown
    return best.shared_terms


def explain(judgement: Judgement) -> str:
    grown = judgement.grown.score if judgement.grown else 0.0
    anchors = ", ".join(judgement.anchors) or "none"
    return (
        f"score {judgement.best:.3f} (seed {judgement.seed.score:.3f}, profile {grown:.3f}; "
        f"story names in the lead: {anchors}); top terms {', '.join(top_terms(judgement))}"
    )
