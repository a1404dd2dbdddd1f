"""Load a story's seed (text file, HTML file or http(s) URL) into a :class:`SeedProfile`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from crawler.config import StoryConfig
from crawler.core.extract import decode_html, extract_article
from crawler.core.facts import extract_facts
from crawler.core.relevance import entities, terms
from crawler.core.seed import SeedText, parse_seed_text
from crawler.errors import ExtractError, FetchError, SeedError
from crawler.fetch import Fetcher
from crawler.models import SeedProfile

log = logging.getLogger(__name__)

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


async def load_seed(story: StoryConfig, fetcher: Fetcher) -> SeedProfile:
    """Read the seed named by ``story.seed`` and build its profile."""
    source = story.seed
    try:
        if source.startswith(("http://", "https://")):
            fetched = await fetcher.fetch(source, "html")
            text, _ = decode_html(fetched.body, fetched.charset)
            seed = _from_html(text, fetched.url)
        else:
            seed = read_seed_file(Path(source))
    except (FetchError, ExtractError) as exc:
        raise SeedError(f"story {story.id!r}: cannot read seed {source}: {exc}") from exc
    return build_profile(story.id, seed)


def read_seed_file(path: Path) -> SeedText:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SeedError(
            f"cannot read seed file {path} ({exc.strerror}); paths are relative to {Path.cwd()}"
        ) from exc
    if path.suffix.lower() in HTML_SUFFIXES or raw.lstrip()[:15].lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        text, _ = decode_html(raw)
        return _from_html(text, path.resolve().as_uri())
    text, _ = decode_html(raw, "utf-8")
    return parse_seed_text(text)


def _from_html(html: str, url: str) -> SeedText:
    article = extract_article(html, url)
    if not article.text:
        raise SeedError(f"the seed page {url} holds no article text")
    source = article.canonical_url or (url if url.startswith("http") else "")
    return SeedText(title=article.title, body=article.text, source_url=source)


def build_profile(story_id: str, seed: SeedText) -> SeedProfile:
    full = f"{seed.title}\n{seed.body}"
    return SeedProfile(
        story_id=story_id,
        title=seed.title,
        text=seed.body,
        source_url=seed.source_url,
        terms={t: float(c) for t, c in terms(full).items()},
        entities=entities(full),
        facts=extract_facts(seed.body, reference_year=datetime.now(UTC).year),
    )
