"""A story's copy clusters, read back from the tracked articles (for ``newswatch story``).

A cluster is the set of tracked articles that are copies of one another. Its representative
is the earliest *published* member (the page's time, else when it was first seen) — or the
seed (:data:`SEED_DOC`) when the copies are copies of the user's seed — whatever order the
members were processed in (:mod:`crawler.stages.article.judging`). Every tracked article
records its representative in its ``cluster`` field (``""`` when it is one itself), written
in the same transaction as the article and its events (guarded by the page's claims,
:mod:`crawler.store.claims`), so the clusters read here are exactly what the latest events
said.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.core.facts.story import SEED_DOC
from crawler.store.articles import ArticleStore
from crawler.store.tracked import TrackedArticle

__all__ = ["SEED_DOC", "Cluster", "Member", "read_clusters"]


@dataclass(frozen=True, slots=True)
class Member:
    doc: str
    url: str
    title: str
    source: str
    first_seen: str
    published: str = ""


@dataclass(frozen=True, slots=True)
class Cluster:
    representative: Member  # doc "seed" for the seed's cluster (url: the story's seed)
    copies: tuple[Member, ...]

    @property
    def sources(self) -> list[str]:
        """Distinct sources, the representative's first, in order of first sight."""
        seen: list[str] = []
        for member in (self.representative, *self.copies):
            if member.source and member.source not in seen:
                seen.append(member.source)
        return seen


async def read_clusters(articles: ArticleStore, story: str, seed: str) -> list[Cluster]:
    """Every cluster of ``story`` with at least one tracked article, seed's first, then by
    first sight of the representative. ``seed`` names the seed (path or URL) for display."""
    docs = await articles.tracked_docs(story)
    tracked = [a for a in [await articles.get(story, d) for d in docs] if a is not None]
    by_doc = {a.doc: a for a in tracked}
    groups: dict[str, list[TrackedArticle]] = {}
    for article in tracked:
        groups.setdefault(article.cluster or article.doc, []).append(article)
    clusters = []
    for rep, members in groups.items():
        head = by_doc.get(rep)
        if rep == SEED_DOC or head is None:
            representative = Member(rep, seed if rep == SEED_DOC else "", "", "", "")
        else:
            representative = _member(head)
        copies = sorted((_member(m) for m in members if m.doc != rep), key=_order)
        clusters.append(Cluster(representative, tuple(copies)))
    clusters.sort(key=lambda c: (c.representative.doc != SEED_DOC, _order(c.representative)))
    return clusters


def _member(article: TrackedArticle) -> Member:
    return Member(
        article.doc,
        article.url,
        article.title,
        article.source,
        article.first_seen,
        article.published,
    )


def _order(member: Member) -> tuple[str, str, str]:
    """Earliest published first (first seen when the page gave no time)."""
    return (member.published or member.first_seen, member.first_seen, member.url)
