"""Article extraction on small hand-written pages: metadata, hard body layouts, bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.core.extract import extract_article, parse_date
from crawler.errors import ExtractError

LEAD = "The regional government said on Monday that the new bridge will open to traffic in May."
SECOND = "Engineers finished the final load tests last week, two months ahead of the schedule."
THIRD = "Local businesses expect the crossing to cut the daily commute by almost half an hour."
BODY = (LEAD, SECOND, THIRD)


def page(body: str, head: str = "", lang: str = "en") -> str:
    return f'<!doctype html><html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def paragraphs(texts: tuple[str, ...] = BODY) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


NAV = '<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>'
SIDEBAR = (
    '<div class="sidebar"><h3>Most read</h3>'
    + "".join(
        f'<p><a href="/s{i}">Another story headline number {i} here</a></p>' for i in range(6)
    )
    + "</div>"
)


# --- metadata ------------------------------------------------------------------------------


def test_json_ld_article_in_a_graph_wins_over_meta_tags() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Site"},
            {
                "@type": ["NewsArticle"],
                "headline": "Bridge to open in May",
                "datePublished": "2024-03-04T08:15:00+01:00",
                "dateModified": "2024-03-05T10:00:00Z",
                "author": [{"@type": "Person", "name": "Ana Souza"}, {"name": "Li Wei"}],
                "inLanguage": "pt-BR",
            },
        ],
    }
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        '<meta property="og:title" content="Other title">'
        '<meta property="article:published_time" content="2020-01-01T00:00:00Z">'
    )
    article = extract_article(page(paragraphs(), head, lang=""), "https://n.example/x")
    assert article.title == "Bridge to open in May"
    assert article.published == datetime(2024, 3, 4, 7, 15, tzinfo=UTC)
    assert article.modified == datetime(2024, 3, 5, 10, 0, tzinfo=UTC)
    assert article.byline == "Ana Souza, Li Wei"
    assert article.language == "pt"


def test_opengraph_and_article_meta_tags() -> None:
    head = (
        '<meta property="og:title" content="  Bridge   opens ">'
        '<meta property="og:url" content="https://n.example/bridge">'
        '<meta property="og:locale" content="it_IT">'
        '<meta property="article:published_time" content="2024-03-04T08:15:00+0100">'
        '<meta property="article:modified_time" content="2024-03-04T09:00:00+0100">'
        '<meta name="author" content="Giulia Bianchi">'
    )
    article = extract_article(page(paragraphs(), head, lang=""))
    assert article.title == "Bridge opens"
    assert article.canonical_url == "https://n.example/bridge"
    assert article.language == "it"
    assert article.published == datetime(2024, 3, 4, 8, 15, tzinfo=timezone(timedelta(hours=1)))
    assert article.modified == datetime(2024, 3, 4, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    assert article.byline == "Giulia Bianchi"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("parsely-pub-date", "2024-03-04T08:15:00Z"),
        ("sailthru.date", "2024-03-04 08:15:00"),
        ("DC.date.issued", "2024-03-04T08:15:00Z"),
        ("dcterms.created", "2024-03-04T08:15:00Z"),
        ("pubdate", "20240304T081500"),
    ],
)
def test_parsely_sailthru_dublin_core_dates(key: str, value: str) -> None:
    article = extract_article(page(paragraphs(), f'<meta name="{key}" content="{value}">'))
    assert article.published == datetime(2024, 3, 4, 8, 15, tzinfo=UTC)


def test_rel_canonical_beats_og_url_and_byline_prefix_is_dropped() -> None:
    head = (
        '<link rel="alternate" href="https://n.example/amp">'
        '<link rel="Canonical" href="https://n.example/canonical">'
        '<meta property="og:url" content="https://n.example/og">'
        '<meta name="byl" content="By Jane Doe">'
    )
    article = extract_article(page(paragraphs(), head))
    assert article.canonical_url == "https://n.example/canonical"
    assert article.byline == "Jane Doe"


def test_time_tag_when_the_head_has_no_date() -> None:
    body = '<article><time datetime="2023-11-20T14:30:00-05:00">Nov 20</time>' + paragraphs()
    article = extract_article(page(body + "</article>"))
    assert article.published == datetime(2023, 11, 20, 19, 30, tzinfo=UTC)


def test_date_in_the_url_is_the_last_resort() -> None:
    article = extract_article(page(paragraphs()), "https://n.example/2019/11/19/bridge-opens/")
    assert article.published == datetime(2019, 11, 19, tzinfo=UTC)
    assert extract_article(page(paragraphs()), "https://n.example/a/b").published is None


def test_placeholder_dates_are_ignored() -> None:
    ld = {"@type": "NewsArticle", "datePublished": "0001-01-01T00:00:00Z"}
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        '<meta property="article:published_time" content="2024-03-04T08:15:00Z">'
    )
    article = extract_article(page(paragraphs(), head))
    assert article.published == datetime(2024, 3, 4, 8, 15, tzinfo=UTC)


def test_byline_from_schema_org_markup_in_the_body() -> None:
    body = (
        '<div class="meta"><span itemprop="author" itemscope><span itemprop="name">'
        "Olga Petrova</span></span></div><article>" + paragraphs() + "</article>"
    )
    assert extract_article(page(body)).byline == "Olga Petrova"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-04T08:15:00Z", datetime(2024, 3, 4, 8, 15, tzinfo=UTC)),
        ("Mon, 04 Mar 2024 08:15:00 GMT", datetime(2024, 3, 4, 8, 15, tzinfo=UTC)),
        ("2024/03/04", datetime(2024, 3, 4, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        ("0000-00-00", None),
    ],
)
def test_parse_date(value: str, expected: datetime | None) -> None:
    assert parse_date(value) == expected


# --- body ----------------------------------------------------------------------------------


def test_page_wrapped_in_a_form() -> None:
    body = (
        '<form method="post" action="/default.aspx" id="aspnetForm">'
        '<input type="hidden" name="__VIEWSTATE" value="abc">'
        + NAV
        + '<div class="main"><h1>Bridge opens</h1><div class="text">'
        + paragraphs()
        + "</div></div>"
        + SIDEBAR
        + "</form>"
    )
    assert extract_article(page(body)).text.splitlines() == list(BODY)


def test_br_separated_body() -> None:
    body = NAV + f'<div class="story">{LEAD}<br><br>{SECOND}<br>\n{THIRD}<br></div>' + SIDEBAR
    assert extract_article(page(body)).text.splitlines() == list(BODY)


def test_body_in_divs_with_cms_paragraph_classes() -> None:
    inner = "".join(f'<div class="par-text"><span>{t}</span></div>' for t in BODY)
    body = NAV + f'<div id="main-col"><div class="c-wrap">{inner}</div></div>' + SIDEBAR
    assert extract_article(page(body)).text.splitlines() == list(BODY)


def test_teasers_newsletter_captions_and_bylines_inside_the_container_are_dropped() -> None:
    body = (
        '<article><h1>Bridge opens</h1><div class="byline">By Jane Doe, staff writer</div>'
        f"<p>{LEAD}</p>"
        '<figure><img src="b.jpg"><figcaption>The bridge at dawn, seen from the '
        "river bank on Sunday.</figcaption></figure>"
        f"<p>{SECOND}</p>"
        '<div class="related-stories"><h3>Related</h3><p>Our earlier report on the '
        "bridge construction and its delays.</p></div>"
        '<div class="newsletter-signup"><p>Get the best of the news in your inbox every '
        "morning, sign up now.</p></div>"
        f"<p>{THIRD}</p>"
        '<ul><li><a href="/a">Read more about bridges</a></li><li><a href="/b">Roads</a></li>'
        "</ul></article>"
    )
    assert extract_article(page(body)).text.splitlines() == list(BODY)


def test_headings_lists_and_quotes_inside_the_body_are_kept() -> None:
    body = (
        f"<article><p>{LEAD}</p><h2>What changes</h2><ul><li>Two new bus lines.</li>"
        f"<li>A cycle lane on both sides.</li></ul><blockquote>{SECOND}</blockquote>"
        f"<p>{THIRD}</p></article>"
    )
    lines = extract_article(page(body)).text.splitlines()
    assert lines == [
        LEAD,
        "What changes",
        "Two new bus lines.",
        "A cycle lane on both sides.",
        SECOND,
        THIRD,
    ]


def test_a_long_comment_thread_does_not_win_over_a_short_article() -> None:
    comments = "".join(
        f'<li class="comment"><p>Comment {i}: I have driven across this river every day for '
        "twenty years and I still do not believe the new bridge will change anything.</p></li>"
        for i in range(12)
    )
    body = (
        f'<div class="entry">{paragraphs()}</div>'
        f'<section id="comments"><ol class="comment-list">{comments}</ol></section>'
    )
    assert extract_article(page(body)).text.splitlines() == list(BODY)


def test_a_wrapper_named_like_boilerplate_is_not_dropped() -> None:
    body = f'<div class="layout content-with-sidebar"><div class="inner">{paragraphs()}</div></div>'
    assert extract_article(page(body)).text.splitlines() == list(BODY)


def test_self_declared_article_body_is_preferred() -> None:
    teasers = "".join(
        f"<div class='card'><p>Teaser {i}: a long summary of another story that is also "
        "published on this site today, with several clauses.</p></div>"
        for i in range(8)
    )
    body = f'<div class="page">{teasers}<div itemprop="articleBody">{paragraphs()}</div></div>'
    assert extract_article(page(body)).text.splitlines() == list(BODY)


def test_repeated_headline_and_hidden_text_are_left_out() -> None:
    head = '<meta property="og:title" content="Bridge opens in May">'
    body = (
        "<article><h2>Bridge opens in May</h2>"
        "<p hidden>Subscriber-only preview text that is not shown on the page.</p>"
        + paragraphs()
        + "</article>"
    )
    assert extract_article(page(body, head)).text.splitlines() == list(BODY)


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        (
            "ja",
            (
                "東京都は月曜日、新しい橋が五月に開通すると発表した。",
                "技術者たちは先週、最終的な荷重試験を予定より二か月早く終えた。",
                "地元の商店は、通勤時間が三十分近く短くなると期待している。",
            ),
        ),
        (
            "ko",
            (
                "정부는 월요일 새 다리가 오월에 개통된다고 발표했다.",
                "기술자들은 지난주 최종 하중 시험을 예정보다 두 달 일찍 마쳤다.",
                "지역 상인들은 출퇴근 시간이 삼십 분 가까이 줄어들 것으로 기대한다.",
            ),
        ),
        (
            "ru",
            (
                "Правительство региона объявило в понедельник, что новый мост откроют в мае.",
                "Инженеры завершили итоговые испытания на прошлой неделе, раньше срока.",
                "Местные предприниматели ожидают, что дорога на работу сократится на полчаса.",
            ),
        ),
    ],
)
def test_pages_in_other_scripts(lang: str, texts: tuple[str, ...]) -> None:
    article = extract_article(page(NAV + f"<main>{paragraphs(texts)}</main>" + SIDEBAR, lang=lang))
    assert article.text.splitlines() == list(texts)
    assert article.language == lang


def test_short_cjk_paragraphs_count_characters_not_words() -> None:
    texts = (
        "新しい橋が五月に開通すると発表した。技術者は試験を終えた。",
        "通勤時間が短くなると期待されている。",
    )
    body = f'<div class="menu"><a href="/">ホーム</a></div><div class="honbun">{paragraphs(texts)}</div>'
    assert extract_article(page(body, lang="ja")).text.splitlines() == list(texts)


def test_broken_markup_still_extracts() -> None:
    html = f"<html><body><div><p>{LEAD}<p>{SECOND}<div><p>{THIRD}</b></i></span>"
    assert extract_article(html).text.splitlines() == list(BODY)


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("html", ["", "   \n ", b"", b"\n\t "])
def test_empty_input_is_a_clear_error(html: str | bytes) -> None:
    with pytest.raises(ExtractError, match=r"empty document at https://n\.example/e"):
        extract_article(html, "https://n.example/e")


@pytest.mark.parametrize(
    "blob",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        b"\x1f\x8b\x08\x00" + bytes(range(255, -1, -1)) * 8,
        bytes(2048),
    ],
)
def test_binary_input_is_a_clear_error(blob: bytes) -> None:
    with pytest.raises(ExtractError, match="not an HTML document"):
        extract_article(blob, "https://n.example/b")


def test_a_page_without_text_or_title_is_a_clear_error() -> None:
    with pytest.raises(ExtractError, match="no article text or title"):
        extract_article('<html><body><div class="x"><img src="a.png"></div></body></html>')


@pytest.mark.parametrize(
    "text",
    [" ".join(BODY), '{"error": "not found", "status": 404}', " ".join(BODY).encode("utf-16")],
)
def test_text_without_markup_is_not_a_web_page(text: str | bytes) -> None:
    with pytest.raises(ExtractError, match="not an HTML document"):
        extract_article(text)


def test_a_page_after_a_long_run_of_blank_lines_is_not_empty() -> None:
    html = "\n" * 5000 + page(paragraphs())
    assert extract_article(html.encode()).text.splitlines() == list(BODY)
    assert extract_article(html).text.splitlines() == list(BODY)


def test_absurdly_deep_markup_and_json_ld_do_not_crash() -> None:
    deep_inline = "<span>" * 5000 + LEAD
    deep_blocks = "<div><b>" * 3000 + SECOND
    deep_json = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    for body in (deep_inline, deep_blocks):
        assert extract_article(page(body, deep_json)).text.strip() in BODY


def test_embedded_quotes_are_kept_but_share_bars_are_not() -> None:
    body = (
        f"<article><p>{LEAD}</p>"
        '<div class="social-media-embed"><blockquote class="twitter-tweet"><p>'
        f"{SECOND}</p></blockquote></div>"
        '<div class="social-share"><a href="/fb">Facebook</a> <a href="/tw">Twitter</a>'
        f'<a href="/mail">Email this story</a></div><p>{THIRD}</p></article>'
    )
    assert extract_article(page(body)).text.splitlines() == list(BODY)


def test_indented_link_lists_inside_the_article_are_dropped() -> None:
    links = "".join(
        f'\n        <li>\n          <a href="/t{i}">Topic {i}</a>\n        </li>' for i in range(4)
    )
    body = f"<article>{paragraphs()}<ul class='x'>{links}\n      </ul></article>"
    assert extract_article(page(body)).text.splitlines() == list(BODY)
