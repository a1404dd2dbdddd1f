"""Article body: the cascade's steps 1–4 on a parsed page.

1. **prune** — drop elements that never hold article text (:data:`~.patterns.DROP_TAGS`);
2. **container** — find the element holding the article (:mod:`.container`: self-declared
   body selectors checked against a prose-density descent);
3. **paragraphs** — walk the container, skipping boilerplate blocks (:mod:`.blocks`);
4. **tidy** — drop the headline if the container repeats it.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from crawler.core.extract.blocks import paragraphs
from crawler.core.extract.container import find_container
from crawler.core.extract.patterns import DROP_TAGS
from crawler.core.text import normalize_space


def extract_body(tree: LexborHTMLParser, title: str = "") -> str:
    """Return the article text, one paragraph per line ("" when none is found)."""
    body = tree.body
    if body is None:
        return ""
    tree.strip_tags(DROP_TAGS)
    container = find_container(body)
    if container is None:
        return ""
    lines = paragraphs(container)
    headline = normalize_space(title).casefold()
    return "\n".join(line for line in lines if line.casefold() != headline)
