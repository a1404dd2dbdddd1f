"""Copy judgement on real reporting: copy pairs and non-copy pairs from the dev corpora.

The articles are read at run time, by id, from ../shared/data/realnews-dev (excerpts of public
pages kept for evaluation only: never copied here); the tests skip when it is absent. Each
pair names the kind of syndication it shows and the copy rule of
:data:`crawler.core.copies.COPY_RULES` that catches it, so a change of a bound that loses a
real copy, or marks a real different report as one, fails here.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from crawler.core.copies import Likeness, compare, copy_rule
from crawler.core.dedup import Fingerprint, fingerprint
from crawler.core.furniture import reporting
from crawler.core.text import words
from tests.conftest import shared_path

THRESHOLD = 0.3  # the default [[story]] duplicate_similarity
DERNA = "derna-floods-2023"
IRAN = "iran-mahsa-amini-protests-2022"


@cache
def _corpus(story: str) -> dict[str, dict[str, Any]]:
    path = shared_path("data", "realnews-dev", story, "articles.jsonl")
    return {a["id"]: a for a in map(json.loads, path.read_text().splitlines()) if a}


def _text(story: str, article: str) -> str:
    """The article's text, one paragraph per line (as extraction gives it)."""
    found = _corpus(story)[article]["text"]
    return "\n".join(p for p in found.split("\n\n") if p.strip())


def _fp(story: str, article: str) -> Fingerprint:
    return fingerprint(_text(story, article))


def _like(story: str, first: str, second: str) -> Likeness:
    return compare(_fp(story, first), _fp(story, second))


COPIES = [
    # (kind of copy, story, first, second, the rule that catches it)
    ("verbatim, 'CAIRO (AP) —' dateline on one", DERNA, "ctvnews-ap-eight-officials-jailed",
     "unifygate-ap-eight-officials-jailed", "verbatim"),
    ("byline line and 'DERNA, LIBYA >>' vs 'Derna (Libya) |'", DERNA,
     "metrovaartha-ap-5100-searchers", "mercurynews-ap-5100-death-toll-hits", "verbatim"),
    ("'GENEVA (Reuters) -' and a reporting credit vs a lightly re-spun copy", DERNA,
     "mynrination-reuters-ifrc-10000-missing", "novinite-reuters-ifrc-10000-missing",
     "resemblance"),
    ("truncated: the breaking lede of a longer write-through", DERNA,
     "lyuanlihan-ap-2000-breaking", "hjnews-ap-27-dead-2000-feared", "shortened"),
    ("extended: a short copy inside a longer one", IRAN, "shropshirestar-ap-general-300",
     "aawsat-ap-general-300", "verbatim"),
    ("edited: the lede rewritten, the body kept", DERNA, "ctvnews-ap-eight-officials-jailed",
     "aljazeera-ap-eight-officials-arrested", "edited"),
    ("re-spun, its shared quotations left out: two thirds of the sentences, two kept", IRAN,
     "heraproduksiyon-cbs-17-killed", "newslabo-cbs-17-killed", "rewritten"),
    ("machine re-spin of a Reuters report", DERNA, "middleeastmonitor-reuters-derna-protest",
     "urimuri-reuters-derna-protest", "re-spun"),
    ("re-spin that keeps hardly a 3-gram (J ≈ 0.1)", DERNA, "mtm-aljazeera-11300",
     "thenews-pk-whats-left-of-derna-11300", "re-spun"),
    ("machine translation of a re-spin", IRAN, "voi-reuters-133-sharif",
     "digismak-reuters-133-sharif", "re-spun"),
    ("a '10 points' digest of a wire story: its own summary and material around five of the "
     "wire's sentences, two kept as they were", DERNA, "1news-ap-11300-where-things-stand",
     "livemint-ap-11300-10-points", "rewritten"),
]  # fmt: skip

NOT_COPIES = [
    # (why they are different reports, story, first, second)
    ("same agency, same event, next day's story", DERNA, "prothomalo-afp-4-greek-aid-team-killed",
     "newarab-afp-5-greek-aid-team-killed"),
    ("same agency, same story, a week apart", IRAN, "newshub-reuters-185",
     "voi-reuters-133-sharif"),
    ("same agency, the first day and two days later", DERNA, "kion546-ap-derna-disaster-zone",
     "metrovaartha-ap-5100-searchers"),
    ("a brief rewritten from a wire story (every sentence reworded)", DERNA,
     "shropshirestar-pa-11300", "1news-ap-11300-where-things-stand"),
    ("one outlet's report on another's (shared quotations)", DERNA,
     "theusarticles-cnn-un-revises-3958", "business-standard-ani-un-revises-3958"),
    ("same agency, same week, another figure", IRAN, "alarabiya-afp-50-killed",
     "religionigeria-afp-133"),
    ("two rewrites of one wire story, a brief and a digest (no sentence kept in both)", DERNA,
     "shropshirestar-pa-11300", "livemint-ap-11300-10-points"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "story", "first", "second", "rule"), COPIES)
def test_real_copies_are_copies(kind: str, story: str, first: str, second: str, rule: str) -> None:
    a, b = _fp(story, first), _fp(story, second)
    like = compare(a, b)
    assert copy_rule(like, THRESHOLD) == rule, f"{kind}: {like}"
    back = compare(b, a)  # the judgement does not depend on which one came first
    assert copy_rule(back, THRESHOLD) == rule
    assert (back.similarity, back.containment, back.covered) == pytest.approx(
        (like.similarity, like.containment, like.covered)
    )


@pytest.mark.parametrize(("why", "story", "first", "second"), NOT_COPIES)
def test_real_different_reports_are_not_copies(
    why: str, story: str, first: str, second: str
) -> None:
    like = compare(_fp(story, first), _fp(story, second))
    assert copy_rule(like, THRESHOLD) == "", f"{why}: {like}"


def test_a_rewrite_keeps_wire_sentences_a_new_report_does_not() -> None:
    """The evidence behind the "rewritten" rule: the digest keeps two of the wire's sentences
    as they were; the brief rewritten sentence by sentence and the agency's next-day story on
    the same event keep none, though most of their sentences have a near match."""
    digest = _like(DERNA, "1news-ap-11300-where-things-stand", "livemint-ap-11300-10-points")
    brief = _like(DERNA, "shropshirestar-pa-11300", "1news-ap-11300-where-things-stand")
    next_day = _like(
        DERNA, "prothomalo-afp-4-greek-aid-team-killed", "newarab-afp-5-greek-aid-team-killed"
    )
    assert digest.kept == 2 and digest.matched == 5
    assert brief.kept == 0 and brief.covered == 1.0
    assert next_day.kept == 0 and next_day.matched == 7


def test_wire_furniture_is_not_reporting() -> None:
    credit = _text(DERNA, "mynrination-reuters-ifrc-10000-missing")
    kept = reporting(credit)
    assert credit.startswith("GENEVA (Reuters) - ") and kept.startswith("Around 10,000 people")
    assert "Reporting by" in credit and "Reporting by" not in kept
    byline = _text(DERNA, "mercurynews-ap-5100-death-toll-hits")
    assert byline.splitlines()[0].startswith("By ")
    assert reporting(byline).startswith("Search teams combed streets")
    # the two AP copies differ only by that furniture at the start: same reporting, same words
    dateline = reporting(_text(DERNA, "unifygate-ap-eight-officials-jailed"))
    plain = reporting(_text(DERNA, "ctvnews-ap-eight-officials-jailed"))
    assert words(dateline.split(".")[0]) == words(plain.split(".")[0])
