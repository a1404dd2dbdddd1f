"""URL canonicalisation: one key per article, whatever arrives."""

from __future__ import annotations

import pytest

from crawler.core.urls import canonical_url, choose_canonical, site_of, source_of

G = "https://theguardian.com/world/2022/jan/10/kazakhstan-unrest"
BBC = "https://bbc.co.uk/news/world-asia-59876543"

CASES = [
    # case, default ports, fragments, trailing dot
    ("HTTPS://WWW.Example.COM/News/Story.html", "https://example.com/News/Story.html"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    ("https://example.com/a#comments", "https://example.com/a"),
    ("https://example.com./a", "https://example.com/a"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com/a%7Eb/c d", "https://example.com/a~b/c%20d"),
    # tracking parameters
    (f"{BBC}?at_medium=RSS&at_campaign=KARANGA", BBC),
    ("https://www.theguardian.com/world/2022/jan/10/kazakhstan-unrest?CMP=Share_iOSApp_Other", G),
    ("https://www.theguardian.com/world/2022/jan/10/kazakhstan-unrest?cmp=rss", G),
    (
        "https://edition.cnn.com/2022/01/10/asia/kz/index.html?utm_source=twitter&utm_medium=social&utm_campaign=x&utm_content=y",
        "https://edition.cnn.com/2022/01/10/asia/kz/index.html",
    ),
    (
        "https://www.reuters.com/world/story-2022-01-10/?fbclid=IwAR0abcDEF",
        "https://reuters.com/world/story-2022-01-10/",
    ),
    ("https://example.com/a?gclid=Cj0KCQ&dclid=1&msclkid=2", "https://example.com/a"),
    ("https://example.com/a?mc_cid=abc123&mc_eid=def456&id=5", "https://example.com/a?id=5"),
    (
        "https://www.msn.com/en-us/news/world/ar-AASGd1x?ocid=msedgntp&cvid=8a1b",
        "https://msn.com/en-us/news/world/ar-AASGd1x",
    ),
    (
        "https://www.nytimes.com/2022/01/10/world/asia/kazakhstan.html?cmpid=rss&smid=tw-nytimes",
        "https://nytimes.com/2022/01/10/world/asia/kazakhstan.html",
    ),
    (
        "https://www.telegraph.co.uk/world-news/2022/01/10/kz/?ito=792",
        "https://telegraph.co.uk/world-news/2022/01/10/kz/",
    ),
    (
        "https://abcnews.go.com/International/story?id=82175066&cid=social_twitter_abcn",
        "https://abcnews.go.com/International/story?id=82175066",
    ),
    ("https://example.com/a?_ga=2.1&_gl=1*abc&igshid=xyz", "https://example.com/a"),
    # query kept but sorted
    (
        "https://example.com/search?q=kazakhstan&page=2",
        "https://example.com/search?page=2&q=kazakhstan",
    ),
    ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("https://example.com/a?b=2&utm_source=x&a=1", "https://example.com/a?a=1&b=2"),
    # AMP variants
    (
        "https://www.washingtonpost.com/world/2022/01/10/kz/?outputType=amp",
        "https://washingtonpost.com/world/2022/01/10/kz/",
    ),
    ("https://amp.theguardian.com/world/2022/jan/10/kazakhstan-unrest", G),
    ("https://www.bbc.co.uk/news/amp/world-asia-59876543", BBC),
    (
        "https://www.independent.co.uk/news/world/kz-b1990000.html?amp",
        "https://independent.co.uk/news/world/kz-b1990000.html",
    ),
    (
        "https://www.independent.co.uk/news/world/kz-b1990000.html?amp=1",
        "https://independent.co.uk/news/world/kz-b1990000.html",
    ),
    ("https://example.com/2022/01/slug/amp/", "https://example.com/2022/01/slug/"),  # WordPress
    ("https://example.com/story/amp", "https://example.com/story"),
    ("https://example.com/story.amp.html", "https://example.com/story.html"),
    ("https://example.com/story.amp", "https://example.com/story"),
    (
        "https://www-bbc-co-uk.cdn.ampproject.org/c/s/www.bbc.co.uk/news/amp/world-asia-59876543",
        BBC,
    ),
    ("https://example.com/amp-stories/x", "https://example.com/amp-stories/x"),  # not an AMP switch
    ("https://example.com/a?amp=yesplease", "https://example.com/a?amp=yesplease"),
    # mobile hosts
    ("https://m.bbc.co.uk/news/world-asia-59876543", BBC),
    (
        "https://mobile.reuters.com/article/idUSKBN2JK0AB",
        "https://reuters.com/article/idUSKBN2JK0AB",
    ),
    ("https://m.example.com", "https://example.com/"),
    ("https://m.co/x", "https://m.co/x"),  # a bare two-label host is not folded
]


@pytest.mark.parametrize(("url", "expected"), CASES)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_table_is_large_enough_and_canonical_forms_are_fixed_points() -> None:
    assert len(CASES) >= 30
    for _, expected in CASES:
        assert canonical_url(expected) == expected


def test_every_variant_of_one_article_gives_one_key() -> None:
    variants = [
        "https://www.bbc.co.uk/news/world-asia-59876543",
        "https://www.bbc.co.uk/news/world-asia-59876543?at_medium=RSS&at_campaign=KARANGA",
        "https://m.bbc.co.uk/news/world-asia-59876543#comments",
        "https://www.bbc.co.uk/news/amp/world-asia-59876543",
        "HTTPS://WWW.BBC.CO.UK:443/news/world-asia-59876543",
        "https://www-bbc-co-uk.cdn.ampproject.org/c/s/www.bbc.co.uk/news/amp/world-asia-59876543",
    ]
    assert {canonical_url(v) for v in variants} == {BBC}


@pytest.mark.parametrize(
    ("fetched", "declared", "expected"),
    [
        # consistent: the page's own canonical wins (drops a session path, AMP, mobile)
        (
            "https://m.example.com/a/123?utm_source=x",
            "https://www.example.com/news/a-123",
            "https://example.com/news/a-123",
        ),
        (
            "https://example.com/story.amp.html",
            "https://example.com/story.html",
            "https://example.com/story.html",
        ),
        (
            "https://www.example.com/a/123",
            "/news/a-123",
            "https://example.com/news/a-123",
        ),  # relative
        (
            "https://example.com/p?id=5&page=2",
            "https://example.com/p?id=5",
            "https://example.com/p?id=5",
        ),
        # inconsistent: kept the fetched page's own canonical form
        (
            "https://example.com/news/a-123",
            "https://other.org/news/a-123",
            "https://example.com/news/a-123",
        ),
        (
            "https://example.com/news/a-123",
            "https://example.com/",
            "https://example.com/news/a-123",
        ),
        (
            "https://example.com/news/a-123",
            "https://example.com/news/",
            "https://example.com/news/a-123",
        ),
        ("https://example.com/news/a-123", "javascript:void(0)", "https://example.com/news/a-123"),
        ("https://example.com/news/a-123", "", "https://example.com/news/a-123"),
    ],
)
def test_choose_canonical(fetched: str, declared: str, expected: str) -> None:
    assert choose_canonical(fetched, declared) == expected


def test_site_and_source() -> None:
    assert site_of("https://amp.theguardian.com/x") == site_of("https://www.theguardian.com/y")
    assert source_of("http://127.0.0.1:8080/a") == "127.0.0.1:8080"
    assert source_of("https://WWW.Example.com:443/a") == "www.example.com"
