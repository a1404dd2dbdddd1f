"""A figure over time as an SVG chart (pure: points in, SVG text out; no I/O, no script).

One line per source, in the order each source first reported; the story's current value is
a large ringed dot with its reading; revisions — readings whose effect says the figure moved
(:data:`REVISION_EFFECTS`) — get a diamond and a label "164 → 225". Readings without a time
(the seed) sit at the left edge. Every text is escaped here, so the SVG can be inlined.
Unknown effects are drawn as plain points: the timeline's vocabulary may grow.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 150, 24, 40
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")
REVISION_EFFECTS = frozenset({"revised", "corrected", "article"})  # the moves that alerted


@dataclass(frozen=True, slots=True)
class ChartPoint:
    source: str  # the outlet's name (or host[:port])
    when: datetime | None  # None: the seed (no reliable time)
    value: float
    reading: str  # "at least 164"
    effect: str
    previous: str = ""  # the reading this one revised ("" when none)
    current: bool = False  # the story's current value


def figure_chart(title: str, points: Sequence[ChartPoint]) -> str:
    """An ``<svg class="chart">`` for one fact key; empty string when there is nothing."""
    if not points:
        return ""
    xs = _x_positions(points)
    low, high = _y_range([p.value for p in points])

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / (high - low))

    sources = list(dict.fromkeys(p.source for p in points))
    revisions = [i for i, p in enumerate(points) if p.effect in REVISION_EFFECTS]
    below = {i for rank, i in enumerate(revisions) if rank % 2}  # alternate: labels apart
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
        *_axes(low, high, y, points, xs),
    ]
    for index, source in enumerate(sources):
        colour = COLOURS[index % len(COLOURS)]
        mine = [(xs[i], p, i in below) for i, p in enumerate(points) if p.source == source]
        parts.append(_series(source, colour, mine, y, index))
    parts.append("</svg>")
    return "".join(parts)


Scale = Callable[[float], float]  # a value → its y pixel


def _series(
    source: str,
    colour: str,
    points: list[tuple[float, ChartPoint, bool]],
    ys: Scale,
    index: int,
) -> str:
    coords = " ".join(f"{x:.1f},{ys(p.value):.1f}" for x, p, _ in points)
    out = [f'<g class="series" data-source="{_e(source)}">']
    out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}"/>')
    for x, p, below in points:
        out.append(_point(x, ys(p.value), p, colour, below))
    legend_y = TOP + 16 * index
    out.append(
        f'<rect x="{WIDTH - RIGHT + 12}" y="{legend_y - 9}" width="10" height="10" '
        f'fill="{colour}"/><text class="legend" x="{WIDTH - RIGHT + 26}" y="{legend_y}" '
        f'font-size="11">{_e(source[:22])}</text></g>'
    )
    return "".join(out)


def _point(x: float, y: float, p: ChartPoint, colour: str, below: bool) -> str:
    when = f"{p.when:%Y-%m-%d %H:%M}Z" if p.when else "seed"
    tip = f"{p.source}: {p.reading} ({p.effect}, {when})"
    out = []
    if p.effect in REVISION_EFFECTS:
        label = f"{p.previous} → {p.reading}" if p.previous else p.reading
        label_y = y + 24 if below else y - 13
        out.append(
            f'<g class="revision"><path d="M{x:.1f},{y - 9:.1f} l9,9 l-9,9 l-9,-9 z" '
            f'fill="#fff" stroke="{colour}" stroke-width="2"><title>revised: {_e(tip)}</title>'
            f'</path><text class="revision-label" x="{x:.1f}" y="{label_y:.1f}" '
            f'text-anchor="middle" font-size="11">{_e(label)}</text></g>'
        )
    else:
        out.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
            f"<title>{_e(tip)}</title></circle>"
        )
    if p.current:
        out.append(
            f'<g class="current"><circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="none" '
            f'stroke="#111" stroke-width="2.5"/><text x="{x + 14:.1f}" y="{y + 4:.1f}" '
            f'font-size="12" font-weight="bold">now {_e(p.reading)}</text></g>'
        )
    return "".join(out)


def _axes(
    low: float, high: float, y: Scale, points: Sequence[ChartPoint], xs: list[float]
) -> list[str]:
    right = WIDTH - RIGHT
    out = [
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{right}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#999"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#999"/>',
    ]
    for value in (low, (low + high) / 2, high):
        out.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
            f'font-size="11">{_e(_number(value))}</text>'
        )
    dated = [(x, p.when) for x, p in zip(xs, points, strict=True) if p.when]
    for x, when in (dated[0], dated[-1]) if dated else ():
        out.append(
            f'<text class="tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'font-size="11">{when:%d %b %H:%M}</text>'
        )
    return out


def _x_positions(points: Sequence[ChartPoint]) -> list[float]:
    stamps = [p.when.timestamp() for p in points if p.when]
    first, last = (min(stamps), max(stamps)) if stamps else (0.0, 0.0)
    span = (last - first) or 1.0
    left, right = LEFT + 18, WIDTH - RIGHT - 40
    return [
        left + (right - left) * ((p.when.timestamp() - first) / span if p.when else -0.02)
        for p in points
    ]


def _y_range(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or max(abs(high) * 0.1, 1.0)
    return max(low - pad, 0.0) if low >= 0 else low - pad, high + pad


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:g}"


def _e(text: str) -> str:
    return html.escape(text, quote=True)
