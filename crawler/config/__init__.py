"""The one typed configuration object, validated once before anything starts.

Sources, in order: ``--config PATH``, else ``$NEWSWATCH_CONFIG``, else ``config/newswatch.toml``.
``$NEWSWATCH_REDIS_URL`` overrides ``[redis] url``, ``$NEWSWATCH_HTTP_LISTEN`` and
``$NEWSWATCH_HTTP_TOKEN`` override ``[http] listen`` and ``token``, and ``[http] token_env``
names a variable holding the token. Environment variables are read here and only here;
everything else receives the frozen :class:`Settings`.

Relative paths in the file (``seed``, ``data_dir``, hook ``path``) are taken relative to the
directory newswatch is started from, as in the shipped ``config/newswatch.toml``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, model_validator

from crawler.config.hooks import (
    SECRET_KEYS,
    AppriseHook,
    ConsoleHook,
    HookConfig,
    JsonlHook,
    MessageTemplate,
    WebhookHook,
    hook_name,
    secret_bytes,
)
from crawler.config.sections import (
    DEFAULT_LISTEN,
    CrawlerConfig,
    DiscoveryConfig,
    Duration,
    FactsConfig,
    FeedConfig,
    HttpConfig,
    PositiveDuration,
    RedisConfig,
    RetentionConfig,
    SchedulerConfig,
    StorageConfig,
    StoryConfig,
    WorkerConfig,
    _Section,
)
from crawler.errors import ConfigError

__all__ = [
    "DEFAULT_LISTEN",
    "AppriseHook",
    "ConsoleHook",
    "CrawlerConfig",
    "DiscoveryConfig",
    "Duration",
    "FactsConfig",
    "FeedConfig",
    "HookConfig",
    "HttpConfig",
    "JsonlHook",
    "MessageTemplate",
    "PositiveDuration",
    "RedisConfig",
    "RetentionConfig",
    "SchedulerConfig",
    "Settings",
    "StorageConfig",
    "StoryConfig",
    "WebhookHook",
    "WorkerConfig",
    "env_proxies",
    "http_listen",
    "load_optional_settings",
    "load_settings",
    "secret_bytes",
    "settings_from_mapping",
]

DEFAULT_CONFIG = Path("config/newswatch.toml")


class Settings(_Section):
    redis: RedisConfig = RedisConfig()
    storage: StorageConfig = StorageConfig()
    crawler: CrawlerConfig = CrawlerConfig()
    worker: WorkerConfig = WorkerConfig()
    scheduler: SchedulerConfig = SchedulerConfig()
    facts: FactsConfig = FactsConfig()
    discovery: DiscoveryConfig = DiscoveryConfig()
    http: HttpConfig = HttpConfig()
    retention: RetentionConfig = RetentionConfig()
    story: tuple[StoryConfig, ...] = Field(min_length=1)
    feed: tuple[FeedConfig, ...] = ()
    hook: tuple[HookConfig, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> Settings:
        ids = [s.id for s in self.story]
        if len(set(ids)) != len(ids):
            raise ValueError("story ids must be unique")
        for i, feed in enumerate(self.feed):
            _check_refs(f"feed[{i}].stories", feed.stories, ids)
        for i, hook in enumerate(self.hook):
            _check_refs(f"hook[{i}].stories", hook.stories, ids)
        names = [h.name for h in self.hook_list()]
        if len(set(names)) != len(names):
            raise ValueError("hook names must be unique (set `name` on hooks of the same target)")
        return self

    def hook_list(self) -> list[HookConfig]:
        """Hooks with their ``name`` filled in (``type:target`` when not given)."""
        return [h if h.name else h.model_copy(update={"name": hook_name(h)}) for h in self.hook]

    def story_by_id(self, story_id: str) -> StoryConfig:
        for story in self.story:
            if story.id == story_id:
                return story
        raise ConfigError(f"unknown story {story_id!r}; configured: {[s.id for s in self.story]}")


def _check_refs(key: str, refs: tuple[str, ...], ids: list[str]) -> None:
    for ref in refs:
        if ref not in ids:
            raise ValueError(f"{key}: unknown story {ref!r}; expected one of {ids}")


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read, merge and validate the configuration; raise :class:`ConfigError` naming the key."""
    env = os.environ if env is None else env
    path = path or (Path(env["NEWSWATCH_CONFIG"]) if env.get("NEWSWATCH_CONFIG") else None)
    path = path or DEFAULT_CONFIG
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: config file not found; pass --config PATH or set NEWSWATCH_CONFIG"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return settings_from_mapping(data, env=env, source=str(path))


def load_optional_settings(
    path: Path | None = None, env: Mapping[str, str] | None = None
) -> Settings | None:
    """For commands that work without a configuration (``extract``, ``facts``): None when no
    file was named and the default one does not exist; a named or existing but invalid file is
    still an error."""
    env = os.environ if env is None else env
    if path is None and not env.get("NEWSWATCH_CONFIG") and not DEFAULT_CONFIG.exists():
        return None
    return load_settings(path, env)


def settings_from_mapping(
    data: Mapping[str, Any], env: Mapping[str, str] | None = None, source: str = "config"
) -> Settings:
    """Validate an already-parsed mapping (used by the loader, the demo and tests)."""
    data = dict(data)
    env = env or {}
    redis_url = env.get("NEWSWATCH_REDIS_URL")
    if redis_url:
        data["redis"] = {**data.get("redis", {}), "url": redis_url}
    data["http"] = _http_from_env(dict(data.get("http", {})), env, source)
    try:  # the environment is the context of the hooks' secret_env / urls_env
        return Settings.model_validate(data, context={"env": env})
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None


def _http_from_env(http: dict[str, Any], env: Mapping[str, str], source: str) -> dict[str, Any]:
    if env.get("NEWSWATCH_HTTP_LISTEN"):
        http["listen"] = env["NEWSWATCH_HTTP_LISTEN"]
    if env.get("NEWSWATCH_HTTP_TOKEN"):
        http["token"] = env["NEWSWATCH_HTTP_TOKEN"]
    name = http.get("token_env")
    if isinstance(name, str) and name and not http.get("token"):
        if not env.get(name):
            raise ConfigError(
                f"{source}: invalid configuration\n  http.token_env: environment variable "
                f"{name} is not set (export it, or remove token_env)"
            )
        http["token"] = env[name]
    return http


def http_listen(settings: Settings, listen: str | None) -> tuple[str, int]:
    """Where ``serve`` binds: ``listen`` (``--listen``), else ``[http] listen``, else
    127.0.0.1:8787 — checked like the configured one (a remote address needs a token)."""
    chosen = listen or settings.http.listen or DEFAULT_LISTEN
    try:
        return settings.http.check(chosen)
    except ValueError as exc:
        key = "--listen" if listen else "http.listen"
        raise ConfigError(f"{key}: {exc}") from None


def _describe(exc: ValidationError, source: str) -> str:
    errors = exc.errors()
    lines = [f"{source}: invalid configuration"]
    for err in errors:
        here = err["loc"]
        if err["type"] == "too_short" and any(
            len(other["loc"]) > len(here) and other["loc"][: len(here)] == here for other in errors
        ):
            continue  # "story: at least 1 item" only because story[0] itself was invalid
        lines.append(f"  {_location(here) or '(top level)'}: {_message(err)}")
    return "\n".join(lines)


def _message(err: Any) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown key; check the spelling against the README's config reference"
    if err["type"] == "missing":
        return "required key is missing"
    msg = str(err["msg"]).removeprefix("Value error, ")
    shown = repr(err.get("input"))
    secret = any(part in SECRET_KEYS for part in err["loc"])  # never echo a secret
    if "input" in err and err["type"] != "union_tag_invalid" and shown not in msg and not secret:
        msg += f" (got {shown})"
    return msg


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("jsonl", "webhook", "apprise", "console"):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def env_proxies(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``HTTP_PROXY`` / ``HTTPS_PROXY`` / ``ALL_PROXY`` / ``NO_PROXY`` (either case) as
    ``{"http" | "https" | "all" | "no": value}``, for the fetcher (which also lets its address
    guard connect to the proxy hosts even when they are private)."""
    env = os.environ if env is None else env
    found: dict[str, str] = {}
    for scheme in ("http", "https", "all", "no"):
        value = env.get(f"{scheme}_proxy") or env.get(f"{scheme.upper()}_PROXY")
        if value:
            found[scheme] = value
    return found
