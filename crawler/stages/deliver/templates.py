"""The words of the messages people read (Apprise channels, ``hooks test``): data, not code.

Each event type has a title and a body template; ``[hook.templates."TYPE"]`` in the config
replaces either. Placeholders are the names in :data:`FIELDS` (every one is defined for every
event, empty when it does not apply), with Python format specs allowed (``{title:.60}``).
"""

from __future__ import annotations

# (title, body) per event type; "digest" is the one message of a digest hook
TEMPLATES: dict[str, tuple[str, str]] = {
    "fact.revised": (
        "{label} revised: {old_value} → {new_value} ({change_text})",
        "{story} · {source}, version {version}{according}\n"
        "Now: “{new_text}”\n"
        "Before ({old_source}): “{old_text}”\n"
        "{url}",
    ),
    "fact.diverged": (
        "Sources differ on the {label_lower}: {old_value} vs {new_value}",
        "{story}\n{new_source}: “{new_text}”\n{old_source}: “{old_text}”\n{url}",
    ),
    "article.updated": (
        "Updated: {title}",
        "{story} · {source}, version {previous_version} → {version}\n{changes}\n{url}",
    ),
    "article.related": ("Related: {title}", "{source}: {title} (relevance {relevance}) {url}"),
    "article.duplicate": (
        "Copy: {title}",
        "{source}: {title} (copy of {duplicate_of}, similarity {similarity}) {url}",
    ),
    "feed.failing": ("Feed failing: {feed_url}", "{story}: {feed_url} fails: {error}"),
    "feed.recovered": ("Feed recovered: {feed_url}", "{story}: {feed_url} works again"),
    "feed.gone": ("Feed gone: {feed_url}", "{story}: {feed_url} is gone ({error})"),
    "digest": ("{count} updates on {stories} in {window}", "{lines}"),
}
FALLBACK = ("{type}: {story}", "{summary}")

# what is counted, as an editor says it; a kind added in [facts] reads "<Kind> figure"
LABELS: dict[str, str] = {
    "killed": "Death toll",
    "injured": "Number of injured",
    "missing": "Number missing",
    "arrested": "Number of arrests",
    "troops": "Troop numbers",
    "displaced": "Number displaced",
}
GENERIC_SUBJECTS = ("", "people")  # not repeated after the label
SCOPE_WORDS: dict[str, str] = {"place": " in {}"}  # other scope keys read " ({})"

# how much of the article.updated changes a message shows
CHANGED_SENTENCES = 3
SENTENCE_CHARS = 160
QUOTE_CHARS = 300
DIGEST_LINES = 20

FIELDS = frozenset(
    {
        # every event
        "id",
        "type",
        "story",
        "at",
        "title",
        "source",
        "version",
        "url",
        "summary",
        # fact.revised / fact.diverged
        "label",
        "label_lower",
        "kind",
        "subject",
        "old",
        "new",
        "old_value",
        "new_value",
        "change_text",
        "old_text",
        "new_text",
        "old_source",
        "new_source",
        "attribution",
        "according",
        "scope",
        # article.*
        "previous_version",
        "changes",
        "relevance",
        "shared_terms",
        "duplicate_of",
        "similarity",
        # feed.*
        "feed_url",
        "error",
        # digest
        "count",
        "stories",
        "window",
        "lines",
    }
)
