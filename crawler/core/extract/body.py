"""Article body: the cascade's steps on a parsed page. Elements that never hold article
text (:data:`~.patterns.DROP_TAGS`) are skipped by every step; the node-heavy ones
(:data:`~.patterns.PRUNE_TAGS`: menus, icons, scripts) are removed first, in one call.

1. **container** — find the element holding the article (:mod:`.container`: a prose-density
   descent checked against elements that name themselves the body);
2. **paragraphs** — walk the container, skipping boilerplate blocks (:mod:`.blocks`);
3. **tidy** — drop the headline if the container repeats it.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from crawler.core.extract.blocks import paragraphs
from crawler.core.extract.container import find_container
from crawler.core.extract.patterns import PRUNE_TAGS
from crawler.core.text import normalize_space


def extract_body(tree: LexborHTMLParser, title: str = "") -> str:
    """Return the article text, one paragraph per line ("" when none is found).

    Mutates ``tree`` (removes :data:`~.patterns.PRUNE_TAGS` subtrees): read the metadata
    first.
    """
    body = tree.body
    if body is None:
        return ""
    tree.strip_tags(PRUNE_TAGS)
    container = find_container(body)
    if container is None:
        return ""
    lines = paragraphs(container)
    headline = normalize_space(title).casefold()
    return "\n".join(line for line in lines if line.casefold() != headline)
