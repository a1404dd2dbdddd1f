"""News-search queries built from a story's profile (pure): what discovery asks for.

The profile is the seed's terms (lead-weighted counts of word stems) plus what newswatch has
learned from the articles it judged related since (``grown``: summed term weights). Terms
are ranked by :func:`crawler.core.relevance.ranked_terms` (the pre-filter's ranking too):
tf-idf with the document frequencies learned from the feeds, so the query asks
for what is *specific* to the story ("tokayev", "kazakhstan", "csto"), not for what every
article says. Names are written as the articles write them, stems are shown as their first
surface form in the seed.

Two search feeds per story, both plain RSS and so polled like any configured feed:

* Google News RSS search: ``{google_news_url}?q=A+B+C&hl=en-US&gl=US&ceid=US:en`` (all words
  must appear, newest first);
* GDELT DOC 2.0 API, article list as RSS:
  ``{gdelt_url}?query=A B C&mode=artlist&format=rss&sort=datedesc&maxrecords=75&timespan=…``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from crawler.core.relevance import ranked_terms, surface_forms

__all__ = ["SearchSettings", "query_words", "ranked_terms", "search_urls"]


@dataclass(frozen=True, slots=True)
class SearchSettings:
    google_news_url: str
    gdelt_url: str
    terms: int
    language: str
    timespan: str


def query_words(ranked: list[str], texts: list[str], count: int) -> list[str]:
    """The ``count`` strongest stems, as the seed (or else a related article) writes them."""
    words: list[str] = []
    for stem in ranked:
        form = next((f for f in (surface_forms(t, [stem])[0] for t in texts) if f != stem), stem)
        if form not in words:
            words.append(form)
        if len(words) == count:
            break
    return words


def search_urls(words: list[str], settings: SearchSettings) -> list[str]:
    """The Google News and GDELT RSS URLs for ``words`` (empty when there are no words)."""
    if not words:
        return []
    language, _, region = settings.language.partition("-")
    region = region or language.upper()
    google = {
        "q": " ".join(words),
        "hl": settings.language,
        "gl": region,
        "ceid": f"{region}:{language}",
    }
    gdelt = {
        "query": " ".join(words),
        "mode": "artlist",
        "format": "rss",
        "sort": "datedesc",
        "maxrecords": "75",
        "timespan": settings.timespan,
    }
    return [
        f"{settings.google_news_url}?{urlencode(google)}",
        f"{settings.gdelt_url}?{urlencode(gdelt)}",
    ]
