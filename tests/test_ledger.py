"""The story ledger's rules (pure): which report moves the story's figure, which alerts.

Each case is one rule of :mod:`crawler.core.facts.ledger` / :mod:`crawler.core.facts.revise`:
a lagging lower report, a consistent bound, vague against precise, an explicit downward
correction and the superseded figure quoted later, a sub-population, a place-scoped figure, a
previous-figure sentence, a projection, two sources diverging, an in-place change (one alert for
one change), and the margins.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from crawler.core.facts import article_totals, extract_facts
from crawler.core.facts.ledger import Ledger, Margin, Standing
from crawler.core.facts.revise import AlertPolicy, Origin, revise
from crawler.core.facts.story import Report
from crawler.models import ArticleRef, Fact, Version

LEDGER = Ledger()


def _fact(text: str) -> Fact:
    """The one current figure ``text`` states for its key (read by the real extractor)."""
    [fact] = article_totals(extract_facts(text, 2022)).values()
    return fact


def _report(text: str, doc: str = "a", hour: int = 10, version: int = 1) -> Report:
    """A report of ``text``'s own figure, or of its first mention when it states none now."""
    facts = extract_facts(text, 2022)
    totals = article_totals(facts)
    fact = next(iter(totals.values())) if totals else facts[0]
    ref = ArticleRef(f"https://{doc}.example/x", f"https://{doc}.example/x", "t", doc, version)
    when = datetime(2022, 1, 10, tzinfo=UTC) + timedelta(hours=hour)
    return Report(fact, ref, doc, doc, when, when)


def _standing(text: str, doc: str = "a", hour: int = 10) -> Standing:
    return Standing(_report(text, doc, hour))


@pytest.mark.parametrize(
    ("standing", "new", "effect", "alert"),
    [
        (None, "At least 164 people were killed.", "first", None),
        ("At least 164 people were killed.", "225 people were killed.", "revised", "up"),
        # a lagging, lower report from another source: timeline only
        ("At least 50 people were killed.", "State TV said 35 people were killed.", "lower", None),
        # a bound consistent with the standing figure, and the same value re-qualified
        ("224 people were killed.", "More than 200 people have been killed.", "lower", None),
        ("224 people were killed.", "At least 224 people were killed.", "confirmed", None),
        # within the margin the figure creeps up silently
        ("330 people were killed.", "336 people were killed.", "higher", None),
        # vague never revises a precise figure, nor is revised by one
        ("At least 12 people were killed.", "Dozens of people were killed.", "vague", None),
        # history and guesses
        ("83 people were killed.", "The previous toll was 76 people killed.", "previous", None),
        ("83 people were killed.", "The toll could rise to 250.", "projection", None),
        ("83 people were killed.", "In 2019, 300 people were killed.", "other-event", None),
        # an explicit official correction downwards
        (
            "At least 11,300 people were killed.",
            "The UN revised the death toll down to 3,958.",
            "corrected",
            "down",
        ),
        # a lower figure that is not stated as a correction
        ("11,300 people were killed.", "Around 4,000 deaths were identified.", "lower", None),
    ],
)
def test_judge(standing: str | None, new: str, effect: str, alert: str | None) -> None:
    held = _standing(standing) if standing else None
    verdict = LEDGER.judge(held, _report(new, "b", 60), own_change=False)  # two days later
    assert (verdict.effect, verdict.alert) == (effect, alert)


def test_a_figure_superseded_by_a_correction_is_not_a_revision_later() -> None:
    held = _standing("The death toll soared to 11,300.")
    corrected = LEDGER.judge(
        held, _report("The UN revised the toll down to 3,958.", "b", 12), False
    )
    assert corrected.standing is not None and corrected.standing.superseded == (11300.0,)
    lagging = _report("OCHA had announced 11,300 dead over the weekend.", "c", 14)
    assert lagging.fact.role == "previous"  # quoted as history: timeline only
    stated = _report("A total of 11,300 people were killed, the Red Crescent said.", "d", 15)
    assert LEDGER.judge(corrected.standing, stated, False).effect == "superseded"
    later = LEDGER.judge(corrected.standing, _report("4,255 people were killed.", "e", 16), False)
    assert (later.effect, later.alert) == ("revised", "up")  # 4,255 is news after 3,958


def test_two_sources_diverging_at_the_same_time() -> None:
    held = _standing("Rights groups said 50 people were killed.", "a", 10)
    verdict = LEDGER.judge(held, _report("State media said 35 people were killed.", "b", 14), False)
    assert (verdict.effect, verdict.diverged, verdict.alert) == ("diverged", True, None)


def test_sub_populations_and_places_are_keys_of_their_own() -> None:
    children = _fact("At least 19 children were killed.")
    place = _fact("In the city of Zahedan, 93 people were killed.")
    overall = _fact("At least 185 people were killed nationwide.")
    assert children.key == "killed|children" and children.role == "partial"
    assert place.key == "killed|people|place=zahedan" and place.role == "partial"
    assert overall.key == "killed|people" and overall.role == "total"
    policy = AlertPolicy()
    assert policy.alerts_for(children) and not policy.alerts_for(place)
    assert AlertPolicy(partial=frozenset({"place"})).alerts_for(place)


def test_the_margins() -> None:
    margin = Margin(relative=0.05, absolute=3)
    assert margin.exceeds(225, 164) and not margin.exceeds(168, 164)  # +2.4 %
    assert not margin.exceeds(6, 4)  # +50 % but only +2 people
    assert Ledger().margin("executed").exceeds(2, 1)  # every execution is news
    custom = Ledger(kinds={"troops": Margin(0.2, 100)})
    assert not custom.margin("troops").exceeds(2_500, 2_300)


def _version(number: int, text: str, hour: int) -> Version:
    when = datetime(2022, 1, 10, hour, tzinfo=UTC)
    facts = extract_facts(text, 2022)
    return Version(number, f"h{number}", "t", text, facts, when, when)


def test_an_in_place_change_is_one_alert_carrying_the_storys_move() -> None:
    ref = ArticleRef("https://a.example/x", "https://a.example/x", "t", "a.example", 2)
    origin = Origin(ref, "a")
    held = {"killed|people": _standing("At least 76 people were killed.", "b", 8)}
    v1 = _version(1, "State TV said 35 people were killed.", 9)
    v2 = _version(2, "At least 83 people have been killed, the group said.", 12)
    changes = revise(origin, v2, v1, held, AlertPolicy())
    [change] = changes.article
    assert (change.old.value, change.new.value, change.direction) == (35, 83, "up")
    assert change.story is not None and change.story.before.fact.value == 76
    assert changes.story == ()  # never a second, story-scope alert for the same change
    assert [s.report.fact.value for s in changes.standings] == [83]


def test_a_copy_repeating_its_original_is_confirmed_and_a_diverging_copy_speaks() -> None:
    ref = ArticleRef("https://c.example/x", "https://c.example/x", "t", "c.example", 1)
    held = {"killed|people": _standing("164 people were killed.", "a", 8)}
    same = revise(Origin(ref, "c", "a"), _version(1, "164 people were killed.", 9), None, held,
                  AlertPolicy())  # fmt: skip
    assert [r.effect for r in same.entries] == ["confirmed"] and same.story == ()
    higher = revise(Origin(ref, "c", "a"), _version(1, "225 people were killed.", 9), None, held,
                    AlertPolicy())  # fmt: skip
    assert [m.direction for m in higher.story] == ["up"]


def test_standing_round_trips_through_json() -> None:
    standing = Standing(_report("225 people were killed.").with_effect("revised"), (11300.0,))
    assert Standing.from_json(json.loads(json.dumps(standing.to_json()))) == standing


def test_a_report_processed_late_is_judged_where_it_was_published() -> None:
    """Processing order is not publication order (one poll brings several reports): a report
    published between two others is judged against what was published before it."""
    opened = LEDGER.judge(None, _report("2,000 people were killed.", "a", 1), False)
    assert opened.standing is not None
    later = LEDGER.judge(opened.standing, _report("5,200 people were killed.", "c", 9), False)
    assert (later.effect, later.alert) == ("revised", "up") and later.standing is not None
    between = LEDGER.judge(later.standing, _report("2,300 people were killed.", "b", 5), False)
    assert (between.effect, between.alert) == ("revised", "up")
    assert between.before is not None and between.before.fact.value == 2000
    assert between.standing is not None and between.standing.report.fact.value == 5200  # stays


def test_a_late_report_older_than_the_first_makes_the_first_a_revision_once() -> None:
    opened = LEDGER.judge(None, _report("225 people were killed.", "a", 10), False)
    assert opened.standing is not None
    older = LEDGER.judge(opened.standing, _report("164 people were killed.", "b", 2), False)
    assert (older.effect, older.alert) == ("earlier", "up")
    assert older.before is not None and older.after is not None
    assert (older.before.fact.value, older.after.fact.value, older.after.doc) == (164, 225, "a")
    assert older.standing is not None
    oldest = LEDGER.judge(older.standing, _report("160 people were killed.", "c", 1), False)
    assert (oldest.effect, oldest.alert) == ("earlier", None)  # 225 was alerted already
