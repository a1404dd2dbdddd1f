"""A fact vocabulary (defaults + the user's ``[facts]`` additions) and the patterns built from it.

:class:`Vocabulary` is a frozen, hashable value, so the compiled :class:`Rules` are cached per
vocabulary: building them once per process costs a few milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from crawler.core.facts import vocabulary as v
from crawler.core.facts.numbers import WORD_AMOUNT

Table = tuple[tuple[str, tuple[str, ...]], ...]


def _table(data: Mapping[str, Sequence[str]]) -> Table:
    return tuple((kind, tuple(words)) for kind, words in data.items())


def _merge(base: Table, extra: Mapping[str, Sequence[str]]) -> Table:
    merged = {kind: list(words) for kind, words in base}
    for kind, words in extra.items():
        bucket = merged.setdefault(kind, [])
        bucket.extend(w.strip().lower() for w in words if w.strip() and w not in bucket)
    return _table(merged)


_PREDICATES = _table(v.KIND_PREDICATES)
_LEAD_VERBS = _table(v.KIND_LEAD_VERBS)
_TOTALS = _table(v.KIND_TOTALS)
_SUBJECTS = tuple(v.SUBJECTS.items())


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The words the extractor knows. ``Vocabulary()`` is the built-in one."""

    predicates: Table = _PREDICATES
    lead_verbs: Table = _LEAD_VERBS
    totals: Table = _TOTALS
    subjects: tuple[tuple[str, str], ...] = _SUBJECTS

    def extended(
        self,
        words: Mapping[str, Sequence[str]] | None = None,
        verbs: Mapping[str, Sequence[str]] | None = None,
        totals: Mapping[str, Sequence[str]] | None = None,
        subjects: Mapping[str, str] | None = None,
    ) -> Vocabulary:
        """This vocabulary plus more words per kind (new kinds allowed) and more subjects."""
        extra_subjects = {k.strip().lower(): s.strip().lower() for k, s in (subjects or {}).items()}
        return Vocabulary(
            predicates=_merge(self.predicates, words or {}),
            lead_verbs=_merge(self.lead_verbs, verbs or {}),
            totals=_merge(self.totals, totals or {}),
            subjects=tuple({**dict(self.subjects), **extra_subjects}.items()),
        )

    @property
    def kinds(self) -> tuple[str, ...]:
        seen = dict.fromkeys(k for table in (self.predicates, self.lead_verbs) for k, _ in table)
        return tuple(seen)


DEFAULT_VOCABULARY = Vocabulary()


def any_of(words: Iterable[str]) -> re.Pattern[str]:
    """A case-insensitive pattern matching any of ``words`` as whole words."""
    return re.compile(rf"\b(?:{alt(words)})\b", re.IGNORECASE)


def alt(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first, whitespace-tolerant."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


_WORD = r"[\w'’-]+"
TOKENS = re.compile(r"[^\W\d_]+")
_TOKENS_OF = TOKENS.findall
_I = re.IGNORECASE


@dataclass(frozen=True, slots=True, eq=False)
class Rules:
    """Compiled patterns. ``predicate``, ``lead_verb`` and ``total`` hold one named group per
    kind (:func:`kind_of` says which matched); ``negations`` is (kind, pattern) per kind."""

    predicate: re.Pattern[str]
    lead_verb: re.Pattern[str]
    total: re.Pattern[str]
    negations: tuple[tuple[str, re.Pattern[str]], ...]
    troops: re.Pattern[str]
    subjects: dict[str, str]
    subject_keys: tuple[str, ...]
    triggers: frozenset[str]  # a sentence without one of these words holds no fact
    negators: frozenset[str]  # ... and without one of these, no denial
    ordinals: re.Pattern[str]  # "the SECOND person TO BE EXECUTED"


_FILL = rf"(?:(?:{alt(v.FILLERS)})\s+)*"


@lru_cache(maxsize=16)
def rules_for(vocabulary: Vocabulary) -> Rules:
    # one pattern per table, a named group per kind (k_killed, …): one regex call finds the
    # kind. "Injured 2059" after a number labels the next number (a headline), not this one
    predicate = re.compile(
        rf"^\s*{_SUBJECT}{_ASIDE}{_FILL}(?:{_kinds(vocabulary.predicates)})\b(?!\s*:?\s*\d)", _I
    )
    lead_verb = re.compile(rf"\b(?:{_kinds(vocabulary.lead_verbs)})\s+(?:a\s+total\s+of\s+)?$", _I)
    between = rf"(?:,?\s+{_WORD}){{0,12}}?,?"
    total = re.compile(
        rf"\b(?P<total>(?:{_kinds(vocabulary.totals)})\b{between})\s+(?:{alt(v.TOTAL_LINKS)})\s+$",
        _I,
    )
    subjects = dict(vocabulary.subjects)
    return Rules(
        predicate=predicate,
        lead_verb=lead_verb,
        total=total,
        negations=_negations(vocabulary),
        troops=re.compile(rf"^\s*(?:{_WORD}\s+){{0,2}}?(?:{alt(v.TROOP_NOUNS)})\b", _I),
        subjects=subjects,
        subject_keys=tuple(sorted(subjects, key=len, reverse=True)),
        triggers=_triggers(vocabulary) | frozenset(v.ORDINALS),
        negators=frozenset(_TOKENS_OF(" ".join(v.NEGATIONS))),
        ordinals=re.compile(
            rf"\b(?P<ordinal>{alt(v.ORDINALS)})\s+(?:(?:known|public|reported|confirmed)\s+)?"
            rf"(?:{alt(v.ORDINAL_NOUNS)})\b",
            _I,
        ),
    )


def _subject_and_aside() -> tuple[str, str]:
    """The counted noun phrase after a number, and what may stand between it and its verb:
    "and a police officer", ", reformist activists and journalists", ", including two
    children,", "in the city" (up to three such pieces). A list item ends on a noun, not on
    "the" ("164 people and the injured …" is two counts)."""
    word = rf"(?!(?:{alt(v.SUBJECT_STOPS)})\b){_WORD}"
    subject = rf"(?P<subj>(?:{word}(?:\s+|(?=,))){{0,5}}?)"
    noun = rf"(?!\d|{WORD_AMOUNT}|(?:the|a|an|its|their)\b){_WORD}\s+"
    item = rf"(?:(?!\d|{WORD_AMOUNT}){_WORD}\s+){{0,4}}?{noun}"
    coordinated = rf"(?:,?\s*(?:and|or)\s+{item}|,\s+{item}(?=(?:and|or)\s))"
    including = r",\s*(?:including|among them|among whom|of whom|mostly|mainly)\s+[^,;]{1,80}?,\s+"
    located = rf"(?:in|at|across|from|near)\s+{item}"
    pieces = rf"{coordinated}|{including}|{located}|,[^,\d]{{1,60}},\s+|,\s+(?={_FILL}\w)"
    return subject, rf"(?:{pieces}){{0,3}}"


_SUBJECT, _ASIDE = _subject_and_aside()


def _negations(vocabulary: Vocabulary) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Per kind, a denial of it: "no one was killed", "nobody was hurt"."""
    verb = r"(?:(?:was|were|has been|have been|had been|reported|being|is|are)\s+)*"
    return tuple(
        (
            kind,
            re.compile(
                rf"\b(?P<neg>{alt(v.NEGATIONS)})\s+(?:of\s+(?:the|those|its|their)\s+)?"
                rf"(?:[\d,.]+\s+)?(?:(?P<subj>{_WORD})\s+)?{_FILL}{verb}"
                rf"(?:{alt(words)})\b",
                _I,
            ),
        )
        for kind, words in vocabulary.predicates
    )


def _kinds(table: Table) -> str:
    """An alternation of every kind's words, each kind in its own group ``k_<kind>``."""
    return "|".join(f"(?P<k_{kind}>{alt(words)})" for kind, words in table if words)


def kind_of(match: re.Match[str]) -> str:
    """The kind whose group matched in a :func:`_kinds` alternation."""
    return next(name[2:] for name, text in match.groupdict().items() if text and name[:2] == "k_")


def _triggers(vocabulary: Vocabulary) -> frozenset[str]:
    tables = (vocabulary.predicates, vocabulary.lead_verbs, vocabulary.totals)
    phrases = [p for table in tables for _, words in table for p in words]
    return frozenset(_trigger(p) for p in [*phrases, *v.TROOP_NOUNS] if _trigger(p))


_COMMON = frozenset("number of the in have has had people to their from into for total".split())


def _trigger(phrase: str) -> str:
    """The phrase's most telling word ("in custody" → "custody"), lower-cased."""
    words = [w for w in TOKENS.findall(phrase.lower()) if w not in _COMMON]
    return max(words, key=len) if words else ""


# markers that do not depend on the vocabulary
PAST = re.compile(rf"\b(?:{alt(v.PAST_MARKERS)})\b", _I)
YEAR = re.compile(rf"\b(?:{alt(v.YEAR_LEADS)})\s+((?:19|20)\d\d)\b", _I)
DENIED = re.compile(r"\b(?:no|not|never|none\s+of(?:\s+the|\s+those)?)\s*$", _I)
PARTITIVE = re.compile(r"\s+of\s+(?:the|those|these|them|whom)\b", _I)
# before a number that is part of, or an alternative to, the count before it
PART_OF = re.compile(
    r"\b(?:including|among them|among whom|of whom|of them|of which|among those|instead of"
    r"|rather than|up from|down from|compared with|compared to)\s+$",
    _I,
)
# "no NEW deaths": a denial of more, not a count of zero
INCREMENT = re.compile(r"\s*(?:new|further|more|additional|other|fresh)\b", _I)
# "the other 15 were injured": the rest of a group counted just before, not a count of its own
REMAINDER = re.compile(r"\b(?:the\s+)?(?:other|remaining)\s+$", _I)
# "451 protesters and 60 security forces were killed": a count coordinated with the next one
COORDINATED = re.compile(r"^\s*(?:[\w'’-]+\s+){0,4}?[\w'’-]+\s*(?:,\s*|\s+)and\s+$", _I)
DATE = re.compile(rf"\b(?:{alt(v.MONTHS)})\.?\s*$", _I)
LABEL = re.compile(r"(?:\b(?:no|nos|number|flight|route|article|item|chapter|room)\.?|#|№)\s*$", _I)
# "Mahsa Amini, 22, died": a number between commas right after a name is an age
AGE_BEFORE = re.compile(r"\b[A-Z][\w'’-]+,\s*$")
AGE_AFTER = re.compile(r"\s*,")
ORDINAL_VALUES = v.ORDINALS
NOT_PERSONS = frozenset(v.NOT_PERSONS)
IRREGULAR_PLURALS = frozenset(v.IRREGULAR_PLURALS)
NOUN_PHRASE = re.compile(rf"^\s*((?:(?!(?:{alt(v.SUBJECT_STOPS)})\b){_WORD}\s*){{1,5}})", _I)
