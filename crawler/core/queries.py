"""News-search queries built from a story's profile (pure): what discovery asks for.

The profile is the seed's terms (lead-weighted counts of word stems) plus what newswatch has
learned from the articles it judged related since (``grown``: summed term weights). Terms
are ranked by tf-idf with the document frequencies learned from the feeds, so the query asks
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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from crawler.core.relevance import TermStats, entity_terms, surface_forms, weights

GROWN_WEIGHT = 0.5  # the grown profile counts half as much as the seed
NAME_BOOST = 2.0


@dataclass(frozen=True, slots=True)
class SearchSettings:
    google_news_url: str
    gdelt_url: str
    terms: int
    language: str
    timespan: str


def ranked_terms(
    seed_terms: Mapping[str, float],
    grown: Mapping[str, float],
    stats: TermStats,
    names: Iterable[str] = (),
) -> list[str]:
    """Profile stems, strongest first: seed tf-idf plus ``GROWN_WEIGHT`` × the grown part,
    words of the seed's names (people, places, organisations) counted ``NAME_BOOST`` times:
    before the feeds have taught newswatch which words are common, a name is the safest bet
    for a specific query."""
    seed = weights(seed_terms, stats)
    learned = weights(grown, stats) if grown else {}
    boosted = entity_terms(names)
    score = {
        t: (seed.get(t, 0.0) + GROWN_WEIGHT * learned.get(t, 0.0))
        * (NAME_BOOST if t in boosted else 1.0)
        for t in seed | learned
    }
    return sorted(score, key=lambda t: (-score[t], t))


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
