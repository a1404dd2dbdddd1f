"""Stage 4, deliver: alerting hooks and the dispatcher that feeds them from the event outbox.

Modules: ``base`` (what a hook is), one module per hook type (``jsonl``, ``webhook``,
``notify`` for Apprise, ``console``), ``rules`` / ``messages`` / ``templates`` / ``retry``
(pure: which events, which words, when to retry), ``lane`` (one hook's delivery loop) and
``dispatcher`` (all lanes at once).
"""

from __future__ import annotations

from crawler.config import AppriseHook, ConsoleHook, HookConfig, JsonlHook, WebhookHook
from crawler.errors import ConfigError
from crawler.stages.deliver.base import DeliveryError, Hook
from crawler.stages.deliver.console import ConsolePrintHook, describe
from crawler.stages.deliver.jsonl import JsonlFileHook
from crawler.stages.deliver.notify import AppriseNotifyHook
from crawler.stages.deliver.webhook import WebhookPostHook

__all__ = ["DeliveryError", "Hook", "build_hook", "describe"]


def build_hook(config: HookConfig, user_agent: str) -> Hook:
    """The hook for ``config``; :class:`ConfigError` naming it when its templates are wrong."""
    if isinstance(config, JsonlHook):
        return JsonlFileHook(config)
    if isinstance(config, WebhookHook):
        return WebhookPostHook(config, user_agent)
    if isinstance(config, AppriseHook):
        try:
            return AppriseNotifyHook(config)
        except ValueError as exc:
            raise ConfigError(f"hook {config.name!r}: {exc}") from None
    if isinstance(config, ConsoleHook):
        return ConsolePrintHook(config)
    raise TypeError(f"unknown hook config {config!r}")  # pragma: no cover - config validates
