"""A tracked article's record: the fields of its article hash (``{p}a:{s}:{d}``)."""

from __future__ import annotations

from dataclasses import dataclass

OMITTED_WHEN_EMPTY = ("cluster", "published")


@dataclass(frozen=True, slots=True)
class TrackedArticle:
    story: str
    doc: str
    url: str
    canonical_url: str
    title: str
    source: str
    verdict: str  # "related" | "duplicate"
    cluster: str  # representative doc id, SEED_DOC ("seed"), or "" when it is its own
    version: int
    content_hash: str
    first_seen: str
    relevance: float = 0.0
    latest: int = 0  # highest version number stored (0: unknown, an article stored before)
    published: str = ""  # the publisher's time of the first version ("" when it gave none)

    def fields(self) -> dict[str, str]:
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "source": self.source,
            "verdict": self.verdict,
            "cluster": self.cluster,
            "version": str(self.version),
            "content_hash": self.content_hash,
            "first_seen": self.first_seen,
            "relevance": str(self.relevance),
            "latest": str(self.latest or self.version),
            "published": self.published,
        }

    @classmethod
    def parse(cls, story: str, doc: str, raw: dict[bytes, bytes]) -> TrackedArticle | None:
        """The article from its stored hash (None when there is none)."""
        if not raw:
            return None
        data = {k.decode(): v.decode() for k, v in raw.items()}
        return cls(
            story=story,
            doc=doc,
            url=data["url"],
            canonical_url=data.get("canonical_url") or data["url"],
            title=data.get("title", ""),
            source=data.get("source", ""),
            verdict=data.get("verdict", "related"),
            cluster=data.get("cluster", ""),
            version=int(data.get("version", "1")),
            content_hash=data.get("content_hash", ""),
            first_seen=data.get("first_seen", ""),
            relevance=float(data.get("relevance", "0") or 0),
            latest=int(data.get("latest", "0") or 0),
            published=data.get("published", ""),
        )


def stored_fields(fields: dict[str, str]) -> dict[str, str]:
    """The fields of a newly tracked article without those :meth:`ArticleStore.get` reads
    back anyway: a canonical URL that is the URL, an empty cluster or publication time."""
    return {
        name: value
        for name, value in fields.items()
        if not (name in OMITTED_WHEN_EMPTY and not value)
        and not (name == "canonical_url" and value == fields["url"])
    }
