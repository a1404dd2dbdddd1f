"""Article body: the block of the page that holds most paragraph text.

Cascade:
1. drop elements that never hold article text (``NOISE_TAGS``, ``NOISE_PATTERN`` classes/ids);
2. score each element by the text of its direct ``<p>`` children; pick the best container,
   preferring ``<article>``/``[itemprop=articleBody]`` when they hold enough text;
3. emit that container's paragraphs, one per line.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.core.text import normalize_space

NOISE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "nav",
    "footer",
    "aside",
    "button",
    "select",
    "textarea",
    "figure",
    "figcaption",
)
NOISE_PATTERN = re.compile(
    r"(^|[\s_-])(related|recommend|newsletter|subscribe|signup|promo|share|social|comment|"
    r"advert|sponsor|breadcrumb|cookie|paywall|teaser|most-?read|trending|sidebar|footer|"
    r"menu|nav)([\s_-]|$)",
    re.IGNORECASE,
)
PREFERRED = ('[itemprop="articleBody"]', "article", '[role="main"]', "main")
PARAGRAPH_TAGS = frozenset({"p", "h2", "h3", "blockquote", "li"})
MIN_PARAGRAPH_CHARS = 25


def extract_body(tree: LexborHTMLParser) -> str:
    """Return the article text, one paragraph per line ("" when none is found)."""
    body = tree.body
    if body is None:
        return ""
    _drop_noise(body)
    container = _best_container(body)
    if container is None:
        return ""
    paragraphs = [p for p in _paragraphs(container) if p]
    return "\n".join(paragraphs)


def _drop_noise(root: LexborNode) -> None:
    for node in root.css(",".join(NOISE_TAGS)):
        node.decompose()
    for node in root.css("[class],[id]"):
        marker = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if NOISE_PATTERN.search(marker) and node.tag not in ("body", "html", "article", "main"):
            node.decompose()


def _best_container(root: LexborNode) -> LexborNode | None:
    scores: dict[int, tuple[int, LexborNode]] = {}
    for p in root.css("p"):
        parent = p.parent
        if parent is None:
            continue
        length = len(normalize_space(p.text(deep=True)))
        if length < MIN_PARAGRAPH_CHARS:
            continue
        held = scores.get(parent.mem_id, (0, parent))
        scores[parent.mem_id] = (held[0] + length, parent)
    if not scores:
        return None
    best_score, best = max(scores.values(), key=lambda item: item[0])
    for selector in PREFERRED:
        preferred = root.css_first(selector)
        if preferred is not None and _contains(preferred, best):
            return preferred
    return best if best_score else None


def _contains(outer: LexborNode, inner: LexborNode) -> bool:
    node: LexborNode | None = inner
    while node is not None:
        if node.mem_id == outer.mem_id:
            return True
        node = node.parent
    return False


def _paragraphs(container: LexborNode) -> list[str]:
    found = [
        normalize_space(node.text(deep=True))
        for node in container.css(",".join(sorted(PARAGRAPH_TAGS)))
        if not _has_paragraph_ancestor(node, container)
    ]
    if not found:
        found = [normalize_space(container.text(deep=True, separator=" "))]
    return found


def _has_paragraph_ancestor(node: LexborNode, stop: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.mem_id != stop.mem_id:
        if parent.tag in PARAGRAPH_TAGS:
            return True
        parent = parent.parent
    return False
