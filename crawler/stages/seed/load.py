"""Load a story's seed (text file, HTML file or http(s) URL) into a :class:`SeedProfile`.

The seed is read like any document a user names (:mod:`crawler.stages.seed.sources`): an
HTML page gives its extracted article (title, text, canonical URL as the source); plain
text is read by
:func:`crawler.core.seed.parse_seed_text` (first line the title, aggregator boilerplate
dropped, the original report's URL kept).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from crawler.config import StoryConfig
from crawler.core.facts import read_article
from crawler.core.facts.places import story_places
from crawler.core.relevance import entities, terms
from crawler.core.seed import SeedText, parse_seed_text
from crawler.errors import ExtractError, FetchError, SeedError
from crawler.fetch import Fetcher
from crawler.models import SeedProfile
from crawler.stages.seed.sources import (
    Document,
    looks_like_html,
    parse_document,
    read_bytes,
    read_document,
)

log = logging.getLogger(__name__)


async def load_seed(story: StoryConfig, fetcher: Fetcher) -> SeedProfile:
    """Read the seed named by ``story.seed`` and build its profile."""
    try:
        document = await read_document(story.seed, fetcher)
        seed = seed_text(document)
    except (FetchError, ExtractError, SeedError) as exc:
        raise SeedError(f"story {story.id!r}: cannot read seed {story.seed}: {exc}") from exc
    return build_profile(story.id, seed)


def read_seed_file(path: Path) -> SeedText:
    """A seed file, read synchronously (tools and tests)."""
    try:
        raw = read_bytes(str(path))
        return seed_text(parse_document(raw, "", None, looks_like_html(raw, path.name)))
    except ExtractError as exc:
        raise SeedError(str(exc)) from exc


def seed_text(document: Document) -> SeedText:
    if not document.html:
        return parse_seed_text(document.text)
    article = document.article
    if not article.text:
        raise SeedError(f"the seed page {document.url or '(file)'} holds no article text")
    return SeedText(article.title, article.text, article.canonical_url or document.url)


def build_profile(story_id: str, seed: SeedText) -> SeedProfile:
    full = f"{seed.title}\n{seed.body}"
    places = story_places(seed.title, seed.body)
    return SeedProfile(
        story_id=story_id,
        title=seed.title,
        text=seed.body,
        source_url=seed.source_url,
        terms={t: float(c) for t, c in terms(full).items()},
        entities=entities(full),
        facts=read_article(seed.title, seed.body, datetime.now(UTC).year, places=places),
        places=places,
    )
