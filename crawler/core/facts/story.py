"""One reading of a fact key by one article version (or by the seed): a :class:`Report`.

The story's facts are the reports of every tracked article version — originals and copies —
and of the seed; :mod:`crawler.core.facts.ledger` decides what each does to the story.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from crawler.models import ArticleRef, Fact

SEED_DOC = "seed"  # the seed's document id: in the copy index, clusters and the timeline


@dataclass(frozen=True, slots=True)
class Report:
    """One reading of a fact key by one version of one article (or by the seed)."""

    fact: Fact
    article: ArticleRef  # url, canonical_url, title, source, version
    doc: str  # the article's id; SEED_DOC for the seed
    cluster: str  # id of the cluster's representative; == doc for an original; SEED_DOC
    reported_at: datetime | None  # when the publisher stated it; None for the seed
    seen_at: datetime
    effect: str = ""  # what it did to the story (see the module doc), set when recorded

    @property
    def key(self) -> str:
        return self.fact.key

    @property
    def from_seed(self) -> bool:
        """The seed's own reading (copies of the seed found in feeds are reports like any)."""
        return self.doc == SEED_DOC

    def with_effect(self, effect: str) -> Report:
        return replace(self, effect=effect)

    def to_json(self) -> dict[str, Any]:
        return {
            "fact": self.fact.to_json(),
            "article": self.article.to_json(),
            "doc": self.doc,
            "cluster": self.cluster,
            "reported_at": _iso(self.reported_at),
            "seen_at": _iso(self.seen_at),
            "effect": self.effect,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        article = data["article"]
        return cls(
            fact=Fact.from_json(data["fact"]),
            article=ArticleRef(
                url=article["url"],
                canonical_url=article["canonical_url"],
                title=article["title"],
                source=article["source"],
                version=int(article["version"]),
            ),
            doc=data["doc"],
            cluster=data["cluster"],
            reported_at=_when(data.get("reported_at")),
            seen_at=_when(data["seen_at"]) or datetime.min,
            effect=data.get("effect", ""),
        )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
