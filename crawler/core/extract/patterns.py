"""What the extraction cascade looks for, kept as data.

Every rule here is generic: HTML semantics, schema.org/microformat conventions and the class
names that common CMSs (WordPress, Drupal, Arc, Brightspot, Blogger, …) give their article
bodies. None is keyed to a host name. Matching on ``class``/``id`` is done per token, on
lower-cased parts split at ``-``, ``_`` and camelCase humps, so ``related-stories`` and
``relatedStories`` both say ``related``, while ``content-with-sidebar`` (a layout word,
``with``) says nothing (see :mod:`.markers`).
"""

from __future__ import annotations

import re

# Never article text: skipped by every step of the cascade.
DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "math",
    "iframe",
    "object",
    "embed",
    "canvas",
    "video",
    "audio",
    "picture",
    "img",
    "button",
    "select",
    "textarea",
    "input",
    "nav",
    "aside",
    "figure",
    "figcaption",
    "dialog",
]

# The node-heavy subset of never-text subtrees (menus, icons, scripts: half the nodes of a
# news page) is removed from the tree before the body is searched, in one C-side call;
# walking past them in Python costs more than removing them. The rest are stepped over.
PRUNE_TAGS = ["nav", "footer", "header", "aside", "svg", "script", "style", "noscript"]

# Elements that do not break a line of text.
INLINE_TAGS = frozenset(
    """a abbr acronym b bdi bdo big cite code data del dfn em font i ins kbd mark nobr q rp rt
    ruby s samp small span strike strong sub sup time tt u var wbr label output""".split()
)
# Table cells: a space between their texts, a row is a line.
CELL_TAGS = frozenset({"td", "th"})
# Tags whose subtree is skipped inside the article container.
# (Not ``form``: some CMSs wrap the whole page in one.)
SKIP_TAGS = frozenset({"header", "footer", "h1", "-comment", "head", "title", "meta", "link"})

# Step 2a of the cascade: elements that name themselves the article body, best tier first.
# Kinds: ``itemprop`` / ``class`` / ``id`` equal (case-insensitive) to a listed token,
# ``class*`` / ``id*`` containing one, ``tag`` the element's name. Within a tier the element
# holding most prose wins; it must hold HINT_MIN_CHARS of prose (see container.py).
BODY_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("itemprop", ("articlebody",)),
    ("class", ("article-body", "article__body", "articlebody", "article_body")),
    ("class", ("story-body", "story__body", "storybody", "story-content", "story-text")),
    ("class", ("entry-content", "post-content", "post-body", "post__content", "postcontent")),
    ("class", ("post-entry", "entry-body")),
    ("class", ("article-content", "article__content", "articlecontent", "article-text")),
    ("class", ("article__text", "content-body", "body-text", "article-copy", "text-content")),
    ("class", ("news-body", "news_body", "news-content")),
    ("class", ("field-name-body", "field--name-body", "rich-text")),
    ("class*", ("article-body", "articlebody", "article_body", "story-body", "storybody")),
    ("class*", ("entry-content", "post-content", "article-content", "articlecontent")),
    ("id*", ("article-body", "articlebody", "story-body", "storybody", "post-body")),
    ("id*", ("article-content", "articlecontent", "news-body", "newsbody", "post-content")),
    ("tag", ("article",)),
)

# Class/id parts that name a block that is not article text (teasers, sharing, newsletters,
# captions, bylines, ads …). Matched against each ``-``/``_``/camelCase part of a token.
BOILERPLATE_PARTS = frozenset(
    """related relateds recommended recommendations recirc recirculation readmore morestories
    outbrain taboola newsletter newsletters subscribe subscription signup promo promos
    promotion advert advertisement advertising ads ad adv advertorial sponsor sponsored share
    shares sharing sharebar comment comments disqus breadcrumb breadcrumbs
    caption captions credit credits byline bylines author authors dateline timestamp tags tag
    tagged topics keywords toolbar tools print popup modal overlay cookie cookies consent
    gdpr paywall banner widget widgets sidebar rail carousel slideshow gallery video videos
    playlist podcast trending popular mostread donate donation footnote
    pagination pager skip hidden visually sr screenreader nocontent noprint teaser teasers
    ticker meta metadata follow feedback rating reactions
    """.split()
)
# The subset that names a whole region of the page; used when weighing where the prose is.
# A region is left out of the weighing, except a *soft* one (``sidebar``: some themes name
# the column holding the post so) when it holds most of the page's prose.
REGION_PARTS = frozenset(
    """related relateds recommended recommendations recirc recirculation morestories outbrain
    taboola newsletter newsletters comment comments disqus footer trending popular mostread
    nocontent promo promos sponsored teaser teasers""".split()
)
SOFT_REGION_PARTS = frozenset({"sidebar", "rail"})
# Phrases made of several parts ("read-more", "most-read", "more-stories", "see-also").
BOILERPLATE_PAIRS = frozenset(
    {
        ("read", "more"),
        ("most", "read"),
        ("most", "popular"),
        ("more", "stories"),
        ("more", "from"),
        ("see", "also"),
        ("you", "may"),
        ("also", "like"),
        ("sign", "up"),
        ("up", "next"),
    }
)
# A token with one of these parts describes the page layout, not the element itself.
LAYOUT_PARTS = frozenset("with has no without layout enabled disabled template".split())
NEVER_BOILERPLATE_TAGS = frozenset({"html", "body", "article", "main"})

ROLE_BOILERPLATE = frozenset(
    {"navigation", "banner", "complementary", "contentinfo", "search", "dialog", "alert"}
)

TOKEN_SPLIT = re.compile(r"[-_\s:./]+|(?<=[a-z])(?=[A-Z])")

# Share of a block's text inside links above which the block is navigation, not prose.
MAX_LINK_DENSITY = 0.5
