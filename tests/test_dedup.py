"""Copy detection on article texts: what is a copy, what is only about the same event."""

from __future__ import annotations

import pytest

from crawler.core.copies import compare, copy_rule, is_copy
from crawler.core.dedup import MIN_SHINGLES, fingerprint, resemblance
from crawler.core.seed import parse_seed_text
from crawler.core.sketch import sentence_stems
from tests.conftest import SEED_FILE
from tests.newstexts import (
    EARLY_TITLE,
    SAME_EVENT,
    SAME_EVENT_TITLE,
    SYNDICATION_INTRO,
    SYNDICATION_OUTRO,
    WIRE,
    WIRE_TITLE,
    respin,
)

THRESHOLD = 0.3  # the default [[story]] duplicate_similarity
WIRE_TEXT = "\n".join([WIRE_TITLE, *WIRE])


def _seed_body() -> str:
    return parse_seed_text(SEED_FILE.read_text()).body


def test_exact_copy_is_found_whatever_the_spacing_and_case() -> None:
    again = WIRE_TEXT.upper().replace(" ", "  ").replace(",", " ,")
    assert fingerprint(again).exact == fingerprint(WIRE_TEXT).exact
    assert is_copy(fingerprint(WIRE_TEXT), fingerprint(again), THRESHOLD) == (True, 1.0)


def test_one_changed_word_changes_the_exact_hash_but_not_the_verdict() -> None:
    changed = WIRE_TEXT.replace("164 people", "225 people")
    a, b = fingerprint(WIRE_TEXT), fingerprint(changed)
    assert a.exact != b.exact
    copy, similarity = is_copy(a, b, THRESHOLD)
    assert copy and similarity > 0.9


def test_syndicated_copy_with_other_boilerplate_and_headline() -> None:
    syndicated = "\n".join(
        ["Kazakh ex-spy chief held on treason charges", SYNDICATION_INTRO, *WIRE, SYNDICATION_OUTRO]
    )
    copy, similarity = is_copy(fingerprint(WIRE_TEXT), fingerprint(syndicated), THRESHOLD)
    assert copy and similarity > 0.8


def test_short_early_version_of_a_long_story_is_contained_in_it() -> None:
    early = "\n".join([EARLY_TITLE, *WIRE[:2]])
    long_fp, early_fp = fingerprint(WIRE_TEXT), fingerprint(early)
    assert early_fp.size * 4 < long_fp.size
    # resemblance alone would never call this a copy; containment does
    assert resemblance(early_fp.signature, long_fp.signature) < THRESHOLD
    copy, similarity = is_copy(early_fp, long_fp, THRESHOLD)
    assert copy and similarity >= 0.8
    assert is_copy(long_fp, early_fp, THRESHOLD) == (copy, similarity)  # order does not matter


def test_respun_copy_of_the_seed_is_a_copy() -> None:
    body = _seed_body()
    respun, swapped = respin(body, swap_share=0.15, drop=2)
    assert swapped >= 0.15  # the construction really swaps 15 % of the words
    assert len(respun.split()) < len(body.split())
    copy, similarity = is_copy(fingerprint(body), fingerprint(respun), THRESHOLD)
    assert copy and similarity >= THRESHOLD


def test_reordered_paragraphs_are_still_a_copy() -> None:
    shuffled = "\n".join([WIRE_TITLE, *WIRE[5:], *WIRE[:5]])
    copy, similarity = is_copy(fingerprint(WIRE_TEXT), fingerprint(shuffled), THRESHOLD)
    assert copy and similarity > 0.9


def test_different_article_about_the_same_event_is_not_a_copy() -> None:
    other = "\n".join([SAME_EVENT_TITLE, *SAME_EVENT])
    copy, similarity = is_copy(fingerprint(WIRE_TEXT), fingerprint(other), THRESHOLD)
    assert not copy and similarity < 0.2


@pytest.mark.parametrize("text", ["", "Breaking news", "Kazakhstan: five words only here"])
def test_tiny_texts_are_never_near_copies(text: str) -> None:
    tiny = fingerprint(text)
    assert tiny.size < MIN_SHINGLES
    assert is_copy(tiny, fingerprint(WIRE_TEXT), THRESHOLD) == (False, 0.0)


def test_fingerprints_survive_storage() -> None:
    fp = fingerprint(WIRE_TEXT)
    back = type(fp).from_bytes(fp.exact, fp.to_bytes())
    assert back.size == fp.size and (back.signature == fp.signature).all()
    assert back.shingled is not None and fp.shingled is not None
    assert (back.shingled == fp.shingled).all() and len(fp.shingled) == fp.size
    assert (back.sketch.hashes == fp.sketch.hashes).all()
    assert list(back.sketch.lengths) == list(fp.sketch.lengths)
    stored_without_hash = type(fp).from_bytes("", fp.to_bytes())
    assert compare(stored_without_hash, fp).similarity == 1.0  # exact 3-gram sets


def test_an_older_stored_record_still_reads() -> None:
    """Signatures stored before the sentence sketches (size + signature only) keep working:
    they are compared by their MinHash estimates."""
    fp = fingerprint(WIRE_TEXT)
    old = type(fp).from_bytes("", fp.to_bytes()[:516])
    assert old.shingled is None and old.sketch.count == 0
    like = compare(fingerprint(WIRE_TEXT.replace("164 people", "225 people")), old)
    assert like.similarity > 0.8 and copy_rule(like, THRESHOLD) == "verbatim"


def test_quotations_are_not_compared_sentence_by_sentence() -> None:
    """Two different reports of one statement share its quotation word for word."""
    quote = (
        '"We are going with the figures just verified by the health organisation, and we '
        'will revise them again when we have to," the spokesman said.'
    )
    a = fingerprint(f"{quote}\n" + "\n".join(WIRE[:3]))
    b = fingerprint(f"{quote}\n" + "\n".join(SAME_EVENT[:3]))
    assert compare(a, b).matched == 0


@pytest.mark.parametrize(
    "quoted",
    [
        # a quotation of several sentences: split first, each piece would keep half a quote
        '"We are going with the figures just verified by the health organisation. We will '
        'revise them again when we have to, as we always do," the spokesman said.',
        # a quotation running on into the next paragraph: no closing mark in this one
        "The spokesman added: “We are going with the figures just verified by the health "
        "organisation. We will revise them again when we have to, as we always do.",
    ],
)
def test_quotations_of_several_sentences_are_left_out_whole(quoted: str) -> None:
    a = fingerprint(f"{quoted}\n" + "\n".join(WIRE[:3]))
    b = fingerprint(f"{quoted}\n" + "\n".join(SAME_EVENT[:3]))
    assert compare(a, b).matched == 0
    assert sentence_stems(quoted) == []  # what is left ("the spokesman said") says too little
