"""Configuration: one typed object; every mistake names the key and what is expected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawler.config import load_settings, settings_from_mapping
from crawler.durations import parse_duration
from crawler.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
MINIMAL = '[[story]]\nid = "s"\nseed = "seed.txt"\n'


def _load(tmp_path: Path, text: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    path = tmp_path / "newswatch.toml"
    path.write_text(text)
    return load_settings(path, env=env or {})


def test_shipped_config_is_valid_and_complete() -> None:
    settings = load_settings(REPO / "config" / "newswatch.toml", env={})
    assert settings.redis.url == ""
    assert settings.crawler.allow_private_addresses is False
    assert settings.story[0].id == "kazakhstan-unrest"
    assert settings.story[0].revisit == (600.0, 3600.0, 21600.0, 86400.0)
    assert len(settings.feed) >= 5
    assert all(f.url.startswith("https://") for f in settings.feed)
    assert (REPO / settings.story[0].seed).exists()


def test_defaults_fill_everything_but_the_story(tmp_path: Path) -> None:
    settings = _load(tmp_path, MINIMAL)
    assert settings.storage.data_dir == Path(".newswatch")
    assert settings.crawler.max_body_bytes == 5_000_000
    assert settings.hook == ()


@pytest.mark.parametrize(
    ("text", "key", "hint"),
    [
        (MINIMAL + "[crawler]\nuser_agnet = 'x'\n", "crawler.user_agnet", "unknown key"),
        ("[redis]\nurl = ''\n", "story", "required"),
        (
            MINIMAL.replace('seed = "seed.txt"', 'seed = "s.txt"\nrevisit = ["10 minutes"]'),
            "story[0].revisit[0]",
            '"10m"',
        ),
        (MINIMAL + '[[feed]]\nurl = "ftp://x.org/rss"\n', "feed[0].url", "http"),
        (MINIMAL + "[crawler]\nmax_body_bytes = -5\n", "crawler.max_body_bytes", "greater than 0"),
        (MINIMAL + '[crawler]\ntotal_timeout = "0s"\n', "crawler.total_timeout", "greater than 0"),
        (MINIMAL + "[scheduler]\ntick = 0\n", "scheduler.tick", "greater than 0"),
        (MINIMAL + '[scheduler]\nfeed_lease = "0s"\n', "scheduler.feed_lease", "greater than 0"),
        (MINIMAL + "[redis]\nurl = 'localhost:6379'\n", "redis.url", "redis://"),
        (MINIMAL + '[[hook]]\ntype = "pager"\n', "hook[0]", "jsonl"),
        (MINIMAL + '[[hook]]\ntype = "jsonl"\n', "hook[0].path", "required"),
        (MINIMAL + '[[feed]]\nurl = "https://a.org/rss"\nstories = ["nope"]\n', "nope", "unknown"),
    ],
)
def test_bad_values_name_the_key_and_the_fix(
    tmp_path: Path, text: str, key: str, hint: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    message = str(caught.value)
    assert key in message
    assert hint in message


def test_invalid_toml_and_missing_file_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        _load(tmp_path, "[story\n")
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "absent.toml", env={})


def test_environment_selects_config_and_redis(tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text(MINIMAL + "[redis]\nurl = 'redis://a:1/0'\n")
    settings = load_settings(
        None, env={"NEWSWATCH_CONFIG": str(path), "NEWSWATCH_REDIS_URL": "redis://b:2/3"}
    )
    assert settings.redis.url == "redis://b:2/3"


def test_hook_names_default_to_their_target() -> None:
    settings = settings_from_mapping(
        {
            "story": [{"id": "s", "seed": "x"}],
            "hook": [
                {"type": "jsonl", "path": "a.jsonl"},
                {"type": "webhook", "url": "https://h/x"},
            ],
        }
    )
    assert [h.name for h in settings.hook_list()] == ["jsonl:a.jsonl", "webhook:https://h/x"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("10m", 600), ("1h30m", 5400), ("2d", 172800), (45, 45), ("250ms", 0.25)],
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_cli_reports_config_errors_with_exit_code_2_and_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(MINIMAL + "[worker]\nmax_jobs = 'many'\n")
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "--config", str(path), "run", "--once"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "worker.max_jobs" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_invalid_item_is_reported_once(tmp_path: Path) -> None:
    text = MINIMAL.replace('seed = "seed.txt"', 'seed = "s.txt"\nrevisit = ["1x"]')
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    assert str(caught.value).splitlines()[1:] == [
        '  story[0].revisit[0]: \'1x\' is not a duration; write it like "30s", "10m", "1h" or "2d"'
    ]
