"""Names in news text (pure): people, places, organisations — and what is not a name.

* :func:`entities`: capitalised name sequences and acronyms, lower-cased, possessives and
  title words ("President", "the") dropped; a single capitalised word that opens a sentence is
  skipped (it is capitalised for grammar).
* :func:`story_names`: without news outlets and media words (:data:`MEDIA_NAMES`: who
  reported, not what the story is about).
* :func:`proper_names`: also without capitalised common words — a name all of whose words
  the text also writes in lower case ("People", "At least", "Ministry" opening a sentence).
* :func:`names_in`: which of some names a text mentions, as whole words.

The vocabularies are data (:data:`MEDIA_NAMES`, :data:`NAME_PREFIXES`, the stop-word list).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources

from crawler.core.text import sentences, words

MAX_NAME_WORDS = 4  # longer capitalised runs are headlines or menus, not names
# names of news outlets and media words: who reported, not what the story is about
MEDIA_NAMES = re.compile(
    r"^(?:(?:.+ )?(?:news|tv|television|radio|times|post|press|herald|journal|gazette|tribune|"
    r"telegraph|agency|network|channel|broadcasting|media|newspaper|magazine)|abc|bbc|cnn|cbs|"
    r"nbc|fox|ap|afp|upi|reuters|bloomberg|al jazeera|dw|euronews|tass|ria novosti|interfax|"
    r"xinhua|sky|npr|pbs|itv|usa today)$"
)

STOPWORDS = frozenset(
    w
    for line in resources.files("crawler.data")
    .joinpath("stopwords-en.txt")
    .read_text()
    .splitlines()
    if not line.startswith("#")
    for w in line.split()
)
# words that open a name sequence without being part of the name
NAME_PREFIXES = frozenset(
    """the a an president general gen prime minister foreign interior defence defense mr mrs ms
    dr sen senator rep king queen prince pope chancellor secretary spokesman spokeswoman
    former acting deputy vice chief""".split()
)
_POSSESSIVE = re.compile(r"[’']s\b")
_NAME = re.compile(
    r"\b([A-Z][\w’'-]*[a-z0-9][\w’'-]*|[A-Z]{2,6})(?:\s+(?:[A-Z][\w’'-]*[a-z][\w’'-]*|[A-Z]{2,6}))*"
)
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*")


def entities(text: str) -> frozenset[str]:
    """Capitalised name sequences and acronyms, lower-cased, possessives dropped.

    A single capitalised word that opens a sentence is skipped (it is capitalised for grammar).
    """
    found = set()
    for sentence in sentences(text):
        for match in _NAME.finditer(sentence):
            tokens = _POSSESSIVE.sub("", match.group(0)).split()
            while tokens and tokens[0].lower() in NAME_PREFIXES:
                tokens.pop(0)
            if not tokens or len(tokens) > MAX_NAME_WORDS:
                continue
            if match.start() == 0 and len(tokens) == 1 and not tokens[0].isupper():
                continue
            lowered = " ".join(tokens).lower()
            if lowered not in STOPWORDS:
                found.add(lowered)
    return frozenset(found)


def story_names(names: Iterable[str]) -> frozenset[str]:
    """The names that can say what a story is about: news outlets dropped."""
    return frozenset(n for n in names if not MEDIA_NAMES.match(n))


def proper_names(text: str) -> frozenset[str]:
    """:func:`story_names` of ``text`` without capitalised common words."""
    lowered = set(_LOWER_WORD.findall(text))
    return frozenset(
        n for n in story_names(entities(text)) if not all(w in lowered for w in n.split())
    )


def names_in(text: str, names: Iterable[str]) -> list[str]:
    """The ``names`` that ``text`` mentions (whole words, any case), sorted."""
    padded = f" {' '.join(words(text))} "
    return sorted(n for n in names if f" {' '.join(words(n))} " in padded)
