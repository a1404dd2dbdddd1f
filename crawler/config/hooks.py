"""``[[hook]]`` sections: where events go, which ones, and how hard to try.

Every hook has a ``name`` (default ``type:target``), the filters ``events`` / ``stories``, the
rule keys (see :mod:`crawler.stages.deliver.rules`) and the retry keys: the first retry waits
``retry_delay``, each further one twice as long (±20 % jitter) up to ``max_retry_delay``; an
event still undeliverable after waiting ``max_age`` while its hook failed goes to the hook's
dead letters.

Secrets (a webhook's signing secret, Apprise URLs with tokens) may come from the environment
(``secret_env``, ``urls_env``): the variable is read once, here, when the configuration is
validated (:func:`crawler.config.settings_from_mapping` passes the environment as validation
context). Secrets are held as ``SecretStr`` and never printed.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator

from crawler.config.sections import HttpUrl, PositiveDuration, _Section

EVENT_TYPES = (
    "article.related",
    "article.duplicate",
    "article.updated",
    "fact.revised",
    "fact.diverged",
    "feed.failing",
    "feed.recovered",
    "feed.gone",
)
# the keys of [hook.templates]: an event type, or "digest" for a digest hook's message
TEMPLATE_KEYS = (*EVENT_TYPES, "digest")
# keys whose values may hold secrets: validation errors never echo them
SECRET_KEYS = frozenset({"secret", "urls", "headers"})
_KIND = re.compile(r"[a-z][a-z_]{0,31}")
_SCOPE_KEY = re.compile(r"[a-z][a-z_]{0,31}")
SECRET_HINT = (
    "a Standard Webhooks secret is whsec_ followed by base64 of 24 to 64 random bytes; make one "
    'with: python3 -c "import base64,os; '
    "print('whsec_' + base64.b64encode(os.urandom(32)).decode())\""
)


class MessageTemplate(_Section):
    """``[hook.templates."fact.revised"]``: ``title`` and/or ``body`` replacing the default
    (``{placeholders}`` as listed in the README; unknown ones are refused when the hook starts)."""

    title: str | None = None
    body: str | None = None


class _Hook(_Section):
    name: str = ""
    events: tuple[str, ...] = ()
    stories: tuple[str, ...] = ()
    # rules: they concern fact events (fact.revised, fact.diverged) except min_relevance
    kinds: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    fact_scopes: tuple[str, ...] = ()
    direction: Literal["any", "up", "down"] = "any"
    min_change: float = Field(0.0, ge=0)
    min_change_percent: float = Field(0.0, ge=0)
    scope: Literal["any", "article", "story"] = "any"
    min_relevance: float = Field(0.0, ge=0.0, le=1.0)
    # delivery
    retry_delay: PositiveDuration = 1.0
    max_retry_delay: PositiveDuration = 600.0
    max_age: PositiveDuration = 86400.0

    @field_validator("events")
    @classmethod
    def _events(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            prefix = pattern[:-1] if pattern.endswith(".*") else None
            known = pattern == "*" or pattern in EVENT_TYPES
            if prefix is not None:
                known = any(t.startswith(prefix) for t in EVENT_TYPES)
            if not known:
                raise ValueError(
                    f"unknown event type {pattern!r}; expected one of {list(EVENT_TYPES)}, "
                    'a family such as "fact.*", or "*"'
                )
        return value

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for kind in value:
            if not _KIND.fullmatch(kind):
                raise ValueError(f"kind {kind!r}: use lower-case letters and _ (e.g. killed)")
        return value

    @field_validator("fact_scopes")
    @classmethod
    def _fact_scopes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for scope in value:
            if not _SCOPE_KEY.fullmatch(scope):
                raise ValueError(
                    f"fact scope {scope!r}: use 'overall' (the overall figure) or a scope key "
                    "such as 'place', 'group', 'period', 'event'"
                )
        return value

    @model_validator(mode="after")
    def _retry_order(self) -> _Hook:
        if self.retry_delay > self.max_retry_delay:
            raise ValueError("retry_delay must not exceed max_retry_delay")
        return self


class JsonlHook(_Hook):
    type: Literal["jsonl"]
    path: Path


class WebhookHook(_Hook):
    """POST of the event's JSON, signed per Standard Webhooks when a secret is set."""

    type: Literal["webhook"]
    url: HttpUrl
    timeout: PositiveDuration = 10.0
    headers: dict[str, str] = Field(default_factory=dict)
    secret: SecretStr | None = None
    secret_env: str = ""

    @model_validator(mode="before")
    @classmethod
    def _secret_from_env(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and data.get("secret_env"):
            if data.get("secret"):
                raise ValueError("set secret or secret_env, not both")
            data = {**data, "secret": _from_env(info, data["secret_env"], "secret_env")}
        return data

    @field_validator("secret")
    @classmethod
    def _secret_form(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            secret_bytes(value.get_secret_value())
        return value


class AppriseHook(_Hook):
    """Chat, push and e-mail channels through Apprise (``slack://``, ``tgram://``, ``mailto://``…)."""

    type: Literal["apprise"]
    urls: tuple[SecretStr, ...] = ()
    urls_env: str = ""
    timeout: PositiveDuration = 10.0
    digest: PositiveDuration | None = None
    templates: dict[str, MessageTemplate] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _urls_from_env(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and data.get("urls_env"):
            from apprise.utils.parse import parse_urls

            found = parse_urls(_from_env(info, data["urls_env"], "urls_env"))  # type: ignore[no-untyped-call]
            data = {**data, "urls": [*data.get("urls", ()), *found]}
        return data

    @field_validator("urls")
    @classmethod
    def _parseable(cls, value: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        if not value:
            raise ValueError("an apprise hook needs urls (a list) or urls_env")
        from apprise import Apprise

        for i, url in enumerate(value):
            text = url.get_secret_value()
            if Apprise.instantiate(text) is None:
                scheme = text.split("://", 1)[0] if "://" in text else "(no scheme)"
                raise ValueError(
                    f"urls[{i}] (scheme {scheme}://): apprise cannot parse this URL; check it "
                    "against the service's page in the Apprise wiki"
                )
        return value

    @field_validator("templates")
    @classmethod
    def _template_keys(cls, value: dict[str, MessageTemplate]) -> dict[str, MessageTemplate]:
        for key in value:
            if key not in TEMPLATE_KEYS:
                raise ValueError(f"templates.{key}: expected one of {list(TEMPLATE_KEYS)}")
        return value

    @property
    def schemes(self) -> list[str]:
        """The services' schemes (``slack``, ``tgram``…): safe to print, unlike the URLs."""
        return [u.get_secret_value().split("://", 1)[0] for u in self.urls]


class ConsoleHook(_Hook):
    type: Literal["console"]


HookConfig = Annotated[
    JsonlHook | WebhookHook | AppriseHook | ConsoleHook, Field(discriminator="type")
]


def hook_name(hook: HookConfig) -> str:
    """The name a hook gets when it has none: ``type:target``, never a secret."""
    if hook.name:
        return hook.name
    if isinstance(hook, JsonlHook):
        return f"jsonl:{hook.path}"
    if isinstance(hook, WebhookHook):
        return f"webhook:{hook.url}"
    if isinstance(hook, AppriseHook):
        return f"apprise:${hook.urls_env}" if hook.urls_env else "apprise:" + ",".join(hook.schemes)
    return "console"


def secret_bytes(secret: str) -> bytes:
    """The key bytes of a ``whsec_…`` secret; ``ValueError`` saying how to make one."""
    if not secret.startswith("whsec_"):
        raise ValueError(f"the secret must start with whsec_; {SECRET_HINT}")
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"the secret is not valid base64; {SECRET_HINT}") from None
    if not 24 <= len(key) <= 64:
        raise ValueError(f"the secret holds {len(key)} bytes; {SECRET_HINT}")
    return key


def _from_env(info: ValidationInfo, variable: str, key: str) -> str:
    env: Mapping[str, str] = (info.context or {}).get("env") or {}
    value = env.get(variable, "")
    if not value.strip():
        raise ValueError(f"{key}: environment variable {variable} is not set (or is empty)")
    return value


__all__ = [
    "EVENT_TYPES",
    "TEMPLATE_KEYS",
    "AppriseHook",
    "ConsoleHook",
    "HookConfig",
    "JsonlHook",
    "MessageTemplate",
    "WebhookHook",
    "hook_name",
    "secret_bytes",
]
