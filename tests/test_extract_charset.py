"""Non-UTF-8 pages: header charset, <meta charset>, BOM, and undeclared legacy encodings."""

from __future__ import annotations

import codecs

import pytest

from crawler.core.extract import decode_html, extract_article, sniff_charset

TEXTS = {
    "ru": (
        "Правительство региона объявило в понедельник, что новый мост откроют для движения в мае.",
        "Инженеры завершили итоговые испытания на прошлой неделе, на два месяца раньше срока.",
    ),
    "pt": (
        "O governo regional anunciou na segunda-feira que a nova ponte será aberta ao tráfego em maio.",
        "Os engenheiros concluíram os últimos testes de carga na semana passada, dois meses antes.",
    ),
    "it": (
        "Il governo regionale ha annunciato lunedì che il nuovo ponte sarà aperto al traffico a maggio.",
        "Gli ingegneri hanno completato le ultime prove di carico la settimana scorsa, in anticipo.",
    ),
    "ja": (
        "東京都は月曜日、新しい橋が五月に開通すると発表した。技術者たちは先週、最終的な荷重試験を予定より二か月早く終えた。",
        "地元の商店は、通勤時間が三十分近く短くなると期待している。専門家は効果を疑問視している。",
    ),
    "ko": (
        "정부는 월요일 새 다리가 오월에 개통된다고 발표했다. 기술자들은 지난주 최종 하중 시험을 예정보다 두 달 일찍 마쳤다.",
        "지역 상인들은 출퇴근 시간이 삼십 분 가까이 줄어들 것으로 기대한다. 전문가들은 효과에 의문을 제기했다.",
    ),
}
TITLES = {
    "ru": "Новый мост",
    "pt": "Nova ponte",
    "it": "Nuovo ponte",
    "ja": "新しい橋",
    "ko": "새 다리",
}


def html(lang: str, head: str = "") -> str:
    body = "".join(f"<p>{t}</p>" for t in TEXTS[lang])
    return (
        f'<html lang="{lang}"><head>{head}<title>{TITLES[lang]}</title></head>'
        f"<body><article>{body}</article></body></html>"
    )


def check(raw: bytes, lang: str, charset: str | None = None) -> None:
    article = extract_article(raw, "https://n.example/a", charset=charset)
    assert article.title == TITLES[lang]
    assert article.text.splitlines() == list(TEXTS[lang])


@pytest.mark.parametrize(
    ("lang", "encoding"),
    [("ru", "windows-1251"), ("ru", "koi8-r"), ("pt", "iso-8859-1"), ("ja", "shift_jis"),
     ("ko", "euc-kr")],
)  # fmt: skip
def test_charset_from_the_http_header(lang: str, encoding: str) -> None:
    check(html(lang).encode(encoding), lang, charset=encoding)


@pytest.mark.parametrize(
    ("lang", "encoding"),
    [("ru", "windows-1251"), ("it", "iso-8859-15"), ("ja", "shift_jis"), ("ja", "euc-jp"),
     ("ko", "euc-kr")],
)  # fmt: skip
def test_meta_charset(lang: str, encoding: str) -> None:
    check(html(lang, f'<meta charset="{encoding}">').encode(encoding), lang)


def test_meta_http_equiv_content_type() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=EUC-KR">'
    check(html("ko", head).encode("euc-kr"), "ko")


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
     (codecs.BOM_UTF16_BE, "utf-16-be")],
)  # fmt: skip
def test_byte_order_mark_beats_a_wrong_declaration(bom: bytes, encoding: str) -> None:
    raw = bom + html("ru", '<meta charset="iso-8859-1">').encode(encoding)
    check(raw, "ru", charset="iso-8859-1")


@pytest.mark.parametrize(
    ("lang", "encoding"),
    [("ru", "windows-1251"), ("pt", "latin-1"), ("it", "latin-1"), ("ja", "shift_jis"),
     ("ko", "euc-kr")],
)  # fmt: skip
def test_undeclared_legacy_encodings_are_detected(lang: str, encoding: str) -> None:
    check(html(lang).encode(encoding), lang)


def test_a_declared_charset_that_cannot_decode_the_bytes_is_not_trusted() -> None:
    raw = html("ru", '<meta charset="utf-8">').encode("windows-1251")
    check(raw, "ru", charset="utf-8")


def test_unknown_charset_labels_are_skipped() -> None:
    raw = html("pt", '<meta charset="x-made-up">').encode("utf-8")
    check(raw, "pt", charset="no-such-charset")


def test_str_and_bytes_give_the_same_article() -> None:
    text = html("ja", '<meta charset="shift_jis">')
    assert extract_article(text.encode("shift_jis")) == extract_article(text)


def test_decode_html_reports_the_charset_it_used() -> None:
    text, used = decode_html(html("ru").encode("koi8-r"), "KOI8-R")
    assert used == "koi8-r" and TEXTS["ru"][0] in text
    # browsers read iso-8859-1 labels as windows-1252: curly quotes survive
    text, used = decode_html("<p>“ok”</p>".encode("cp1252"), "ISO-8859-1")
    assert used == "cp1252" and "“ok”" in text


def test_utf8_is_preferred_over_detection_for_undeclared_pages() -> None:
    assert sniff_charset(html("ko").encode("utf-8")) == ("utf-8", 0)
    assert sniff_charset(codecs.BOM_UTF8 + b"<p>x</p>") == ("utf-8", 3)


@pytest.mark.parametrize("label", ["base64", "rot13", "hex", "zlib", "idna", "utf-7", "undefined"])
def test_codecs_that_are_not_charsets_are_ignored(label: str) -> None:
    raw = html("ru", f'<meta charset="{label}">').encode("utf-8")
    check(raw, "ru", charset=label)
