"""Events as messages for people (pure): a title and a body from the templates.

"Death toll revised: 164 → 225 (+37 %)" — the numbers, the story, the source and version, the
two sentences and the link; ``article.updated`` lists a few changed sentences, shortened;
the other events are one line. Members missing from older events render as empty text.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crawler.config import MessageTemplate
from crawler.durations import format_duration
from crawler.stages.deliver import templates as t
from crawler.stages.deliver.rules import fact_change


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str


class Messages:
    """The templates of one hook: the defaults with its ``templates`` overrides."""

    def __init__(self, overrides: Mapping[str, MessageTemplate] | None = None) -> None:
        self._templates = dict(t.TEMPLATES)
        for key, override in (overrides or {}).items():
            title, body = self._templates.get(key, t.FALLBACK)
            for part, text in (("title", override.title), ("body", override.body)):
                if text is not None:
                    check_template(text, f"templates.{key}.{part}")
            self._templates[key] = (override.title or title, override.body or body)

    def render(self, event: dict[str, Any]) -> Message:
        title, body = self._templates.get(str(event.get("type")), t.FALLBACK)
        values = fields(event)
        return Message(_fill(title, values), _fill(body, values).strip())

    def digest(self, events: list[dict[str, Any]], window: float) -> Message:
        """One message summarising ``events``: a line (its title) per event."""
        shown = [f"• {self.render(e).title}" for e in events[: t.DIGEST_LINES]]
        if len(events) > len(shown):
            shown.append(f"… and {len(events) - len(shown)} more")
        stories = sorted({str(e.get("story", "")) for e in events})
        values = dict.fromkeys(t.FIELDS, "")
        values.update(
            count=str(len(events)),
            stories=", ".join(stories),
            window=format_duration(window),
            lines="\n".join(shown),
        )
        title, body = self._templates["digest"]
        return Message(_fill(title, values), _fill(body, values))


def check_template(text: str, key: str) -> None:
    """``ValueError`` naming ``key`` when ``text`` is not a template of known placeholders."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise ValueError(f"{key}: {exc} (write a literal brace as {{{{ or }}}})") from None
    for name in names:
        if name not in t.FIELDS:
            raise ValueError(
                f"{key}: unknown placeholder {{{name}}}; known: {', '.join(sorted(t.FIELDS))}"
            )
    try:  # every value is text: a numeric format spec such as {relevance:.2f} fails here
        _fill(text, dict.fromkeys(t.FIELDS, ""))
    except (ValueError, IndexError) as exc:
        raise ValueError(f"{key}: {exc} (values are text: use specs like {{title:.60}})") from None


def fields(event: dict[str, Any]) -> dict[str, str]:
    """Every placeholder's text for ``event`` (empty when it does not apply)."""
    article = event.get("article") or {}
    feed = event.get("feed") or {}
    values = dict.fromkeys(t.FIELDS, "")
    values.update(
        id=str(event.get("id", "")),
        type=str(event.get("type", "")),
        story=str(event.get("story", "")),
        at=str(event.get("at", "")),
        title=str(article.get("title", "")),
        source=str(article.get("source", "")),
        version=str(article.get("version", "")),
        url=str(article.get("url", "")),
        summary=str(event.get("summary", "")),
        previous_version=str(event.get("previous_version", "")),
        relevance=_decimal(event.get("relevance")),
        shared_terms=", ".join(map(str, event.get("shared_terms") or [])),
        duplicate_of=str(event.get("duplicate_of", "")),
        similarity=_decimal(event.get("similarity")),
        feed_url=str(feed.get("url", "")),
        error=str(feed.get("error", "")),
    )
    if str(event.get("type", "")).startswith("fact."):
        values.update(_fact_fields(event))
    if event.get("type") == "article.updated":
        values["changes"] = _changes(event.get("added") or [], event.get("removed") or [])
    if not values["summary"]:
        values["summary"] = _summary(event, values)
    return values


def _fact_fields(event: dict[str, Any]) -> dict[str, str]:
    fact = event.get("fact") or {}
    old, new = fact.get("old") or {}, fact.get("new") or {}
    change = fact_change(event)
    label = _label(fact)
    attribution = str(fact.get("attribution") or "")
    new_source = str(new.get("source") or (event.get("article") or {}).get("source", ""))
    old_source = str(old.get("source") or event.get("previous_source") or "earlier version")
    return {
        "label": label,
        "label_lower": label[:1].lower() + label[1:],
        "kind": str(fact.get("kind", "")),
        "subject": str(fact.get("subject", "")),
        "old": _reading(old),
        "new": _reading(new),
        "old_value": _amount(old.get("value")),
        "new_value": _amount(new.get("value")),
        "change_text": _change_text(change.absolute, change.relative),
        "old_text": _shorten(str(old.get("text", "")), t.QUOTE_CHARS),
        "new_text": _shorten(str(new.get("text", "")), t.QUOTE_CHARS),
        "old_source": old_source,
        "new_source": new_source,
        "attribution": attribution,
        "according": f", according to {attribution}" if attribution else "",
        "scope": str(event.get("scope", "")),
    }


def _label(fact: dict[str, Any]) -> str:
    kind = str(fact.get("kind", ""))
    label = t.LABELS.get(kind) or f"{kind.replace('_', ' ').capitalize() or 'Figure'} figure"
    subject = str(fact.get("subject", ""))
    if subject not in t.GENERIC_SUBJECTS:
        label += f" ({subject})"
    restriction = fact.get("scope")
    scope: dict[str, Any] = restriction if isinstance(restriction, dict) else {}
    for key, value in sorted(scope.items()):
        label += t.SCOPE_WORDS.get(key, " ({})").format(value)
    return label


def _changes(added: list[str], removed: list[str]) -> str:
    lines: list[str] = []
    for heading, mark, sentences in (("Added", "+", added), ("Removed", "-", removed)):
        if not sentences:
            continue
        lines.append(f"{heading}:")
        lines += [
            f"{mark} {_shorten(s, t.SENTENCE_CHARS)}" for s in sentences[: t.CHANGED_SENTENCES]
        ]
        if len(sentences) > t.CHANGED_SENTENCES:
            lines.append(f"  (and {len(sentences) - t.CHANGED_SENTENCES} more)")
    return "\n".join(lines)


def _summary(event: dict[str, Any], values: dict[str, str]) -> str:
    """A one-line description for events that carry no ``summary``."""
    if values["label"]:
        return f"{values['kind']}: {values['old']} → {values['new']} ({values['change_text']})"
    return " ".join(v for v in (values["title"], values["source"], values["feed_url"]) if v)


def _change_text(absolute: float | None, relative: float | None) -> str:
    if relative is not None:
        return f"{relative * 100:+.0f} %"
    return "" if absolute is None else f"{'+' if absolute > 0 else ''}{_amount(absolute)}"


def _reading(side: dict[str, Any]) -> str:
    return f"{side.get('qualifier') or ''} {_amount(side.get('value'))}".strip()


def _amount(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def _decimal(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, int | float) else ""


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fill(template: str, values: Mapping[str, str]) -> str:
    return template.format_map(values)
