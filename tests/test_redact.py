"""Secrets are never printed: every URL form is masked, in messages, logs and the CLI."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from crawler.redact import RedactingFormatter, redact, redact_url
from crawler.store import safe_url
from tests.conftest import SEED_FILE
from tests.processes import run_cli

SECRET = "S3cr3tPa55"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://user:S3cr3tPa55@host:6379/0", "redis://user:***@host:6379/0"),
        ("redis://:S3cr3tPa55@host:6379/0", "redis://:***@host:6379/0"),
        ("rediss://default:S3cr3tPa55@h/1", "rediss://default:***@h/1"),
        ("redis://host:6390/12?password=S3cr3tPa55", "redis://host:6390/12?password=***"),
        (
            "redis://host/0?socket_timeout=5&password=S3cr3tPa55",
            "redis://host/0?socket_timeout=5&password=***",
        ),
        (
            "unix:///run/redis.sock?db=0&password=S3cr3tPa55",
            "unix:///run/redis.sock?db=0&password=***",
        ),
        ("https://hooks.example/in?token=S3cr3tPa55", "https://hooks.example/in?token=***"),
        ("https://h/x?access_token=S3cr3tPa55&a=1", "https://h/x?access_token=***&a=1"),
        ("https://h/x?key=S3cr3tPa55", "https://h/x?key=***"),
        ("https://h/x?apikey=S3cr3tPa55", "https://h/x?apikey=***"),
        ("https://h/x?api_key=S3cr3tPa55", "https://h/x?api_key=***"),
        ("https://h/x?secret=S3cr3tPa55", "https://h/x?secret=***"),
        ("https://h/x?client_secret=S3cr3tPa55", "https://h/x?client_secret=***"),
        ("https://h/x?sig=S3cr3tPa55&expires=1", "https://h/x?sig=***&expires=1"),
        (
            "https://h/cb#access_token=S3cr3tPa55&type=bearer",
            "https://h/cb#access_token=***&type=bearer",
        ),
        ("https://bob:S3cr3tPa55@h/x", "https://bob:***@h/x"),
        (
            "https://hooks.slack.com/services/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",
            "https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/***",
        ),
        ("tgram://123456789:AAHdqTcvS3cr3tPa55/-100200300", "tgram://***/***"),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnS3cr3tPa55/#general", "slack://***/***/***/#general"),
        ("discord://4174216298/JHMHI8qBS3cr3tPa55", "discord://***/***"),
        ("pover://u1ser@S3cr3tPa55", "pover://***@***"),
        ("mailto://user:S3cr3tPa55@gmail.com", "mailto://user:***@gmail.com"),
        ("json://user:S3cr3tPa55@localhost/path", "json://user:***@localhost/path"),
    ],
)
def test_every_url_form_is_masked(url: str, expected: str) -> None:
    assert redact_url(url) == expected
    assert SECRET not in redact_url(url)
    assert safe_url(url) == expected  # the store's name for it is the same function


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/2022/01/kazakhstan-unrest-toll-rises-to-225",
        "https://news.example/article/7b1e1d9d1a7c6e8f9c6d4b3a2e1f0a9b?utm_source=rss",
        "redis://127.0.0.1:6379/0",
        "redis://user@127.0.0.1:6379/0",
        "mailto://alerts@example.org",
    ],
)
def test_urls_without_secrets_are_unchanged(url: str) -> None:
    assert redact_url(url) == url


def test_urls_inside_text_are_masked_and_the_rest_is_kept() -> None:
    text = (
        "cannot reach Redis at redis://h:6390/12?password=S3cr3tPa55: Error 111; "
        "hook 'webhook:https://me:S3cr3tPa55@hooks.example/x' failed"
    )
    masked = redact(text)
    assert SECRET not in masked
    assert masked.startswith("cannot reach Redis at redis://h:6390/12?password=***: Error 111;")
    assert "'webhook:https://me:***@hooks.example/x' failed" in masked


def test_log_lines_and_tracebacks_are_masked() -> None:
    formatter = RedactingFormatter("%(message)s")
    try:
        raise RuntimeError("boom at redis://:S3cr3tPa55@h/0")
    except RuntimeError as exc:
        record = logging.LogRecord(
            "crawler",
            logging.ERROR,
            __file__,
            1,
            "connecting to %s",
            ("redis://u:S3cr3tPa55@h",),
            (type(exc), exc, exc.__traceback__),
        )
    line = formatter.format(record)
    assert SECRET not in line
    assert "connecting to redis://u:***@h" in line
    assert "boom at redis://:***@h/0" in line


async def test_the_cli_error_line_never_prints_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "newswatch.toml"
    config.write_text(f'[[story]]\nid = "s"\nseed = "{SEED_FILE}"\n')
    monkeypatch.setenv("NEWSWATCH_REDIS_URL", f"redis://127.0.0.1:1/12?password={SECRET}")
    code, out, err = await run_cli("--config", str(config), "status", cwd=tmp_path)
    assert code == 1
    assert "cannot reach Redis at redis://127.0.0.1:1/12?password=***" in err
    assert SECRET not in out + err
