"""Charts drawn on the server as inline SVG: no script, no style attribute, no external file.

Every chart is a `<figure>`: a caption, an `<svg role="img" aria-label="...">` whose bars and
points each carry a `<title>` (what a pointer shows) and a `data-value` attribute holding the
exact figure the API returned, and the same figures as a small table for screen readers and
for anyone who wants the numbers. Colours are SVG presentation attributes (`fill="#..."`),
which the console's Content-Security-Policy allows; text is styled by console.css.

`bar_chart` draws columns per category (several series side by side), `hbar_chart` one row
per category (long names: rewards, tiers, sources), `line_chart` one line per series over
the categories (a gap where a value is null)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.console import i18n
from app.console.html import Html, el, join

i18n.add({
    "charts.figures": ("The figures", "De cijfers", "Las cifras"),
    "charts.none": ("Nothing to show in this range.", "Niets te tonen in deze periode.",
                    "Nada que mostrar en este periodo."),
    "charts.no_value": ("no figure", "geen cijfer", "sin cifra"),
})  # fmt: skip

PALETTE = ("#0b5cad", "#05603a", "#b42318", "#8e6c00", "#6b3fa0", "#0e7c86")
GRID = "#d9e2ec"
AXIS = "#9aa5b1"
WIDTH = 440
# ISO 4217 currencies without, or with three, minor digits (everything else has two).
MINOR_DIGITS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "HUF": 2, "BHD": 3,
                "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}  # fmt: skip

Value = int | float | None
Format = Callable[[Value], str]


# ---- numbers as a person in `lang` reads them ------------------------------------------------


def number(value: Value, lang: str, digits: int = 0) -> str:
    """`1234.5` -> `1,234.5` (en) or `1.234,5` (nl, es); None -> an en dash."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    if lang in ("nl", "es"):
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def percent(value: Value, lang: str) -> str:
    """A rate (0.125) as `12.5%`."""
    return "–" if value is None else number(value * 100, lang, 1) + "%"


def money(amount: int | None, currency: str, lang: str) -> str:
    """Minor units of `currency` as `1,234.56 EUR`."""
    if amount is None:
        return "–"
    digits = MINOR_DIGITS.get(currency.upper(), 2)
    return f"{number(amount / 10**digits, lang, digits)} {currency}"


def data_value(value: Value) -> str | None:
    """The exact figure for `data-value` (the API's number as it came, unformatted)."""
    return None if value is None else str(value)


# ---- the model --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    """One position on the category axis: what it shows, and a machine key (written as
    `data-key` on its bars and points, e.g. the ISO interval of a week)."""

    label: str
    key: str
    title: str | None = None  # the longer form for tooltips and the table (default: label)


@dataclass(frozen=True)
class Series:
    """One set of figures, one per category, in order."""

    name: str
    key: str  # written as data-series
    values: Sequence[Value]
    color: str | None = None


@dataclass(frozen=True)
class Chart:
    ident: str  # the figure's id, and the prefix of its parts' ids
    title: str
    lang: str
    categories: Sequence[Category]
    series: Sequence[Series]
    fmt: Format  # a value as text
    category_header: str = ""  # the table's first column
    summary: str | None = None  # what the aria-label says after the title
    domain: tuple[float, float] | None = None  # the value axis (default: from the values)
    axis_fmt: Format | None = None  # tick labels (default: fmt)


def _colors(series: Sequence[Series]) -> list[str]:
    return [s.color or PALETTE[i % len(PALETTE)] for i, s in enumerate(series)]


def _nice_step(span: float, ticks: int) -> float:
    raw_step = span / max(ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= raw_step:
            return factor * magnitude
    return 10 * magnitude


def scale(values: Sequence[Value], domain: tuple[float, float] | None = None,
          ticks: int = 4) -> tuple[float, float, list[float]]:  # fmt: skip
    """The value axis: (low, high, tick values), zero always inside."""
    if domain is not None:
        low, high = domain
    else:
        known = [float(v) for v in values if v is not None]
        low, high = min([0.0, *known]), max([0.0, *known])
    if high == low:
        high = low + 1
    step = _nice_step(high - low, ticks)
    if domain is None and all(isinstance(v, int) for v in values if v is not None):
        step = max(step, 1)  # counts: no tick between two whole numbers
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    count = round((high - low) / step)
    return low, high, [low + i * step for i in range(count + 1)]


def _fmt_tick(value: float, chart: Chart) -> str:
    fmt = chart.axis_fmt or chart.fmt
    return fmt(int(value) if float(value).is_integer() else value)


def _legend(chart: Chart, colors: list[str], y: float) -> list[Html]:
    if len(chart.series) < 2:
        return []
    parts, x = [], 60.0
    for s, color in zip(chart.series, colors, strict=True):
        parts.append(el("rect", x=f"{x:.0f}", y=f"{y - 9:.0f}", width="10", height="10",
                        fill=color))  # fmt: skip
        parts.append(el("text", s.name, x=f"{x + 14:.0f}", y=f"{y:.0f}"))
        x += 24 + 7 * len(s.name)
    return [el("g", parts, class_="legend")]


def _title(chart: Chart, series: Series, category: Category, value: Value) -> str:
    shown = chart.fmt(value) if value is not None else i18n.t(chart.lang, "charts.no_value")
    name = f"{series.name}, " if len(chart.series) > 1 else ""
    return f"{name}{category.title or category.label}: {shown}"


def _table(chart: Chart) -> Html:
    headers = [chart.category_header, *(s.name for s in chart.series)]
    rows = [
        el("tr", el("th", cat.title or cat.label, scope="row"),
           [el("td", chart.fmt(s.values[i])) for s in chart.series])
        for i, cat in enumerate(chart.categories)
    ]  # fmt: skip
    return el("details",
              el("summary", i18n.t(chart.lang, "charts.figures")),
              el("table",
                 el("caption", chart.title),
                 el("thead", el("tr", [el("th", h, scope="col") for h in headers])),
                 el("tbody", rows), class_="figures", id=chart.ident + "-table"))  # fmt: skip


def _figure(chart: Chart, svg_parts: list[Html], height: float, kind: str) -> Html:
    label = chart.title + (f". {chart.summary}" if chart.summary else "")
    svg = el("svg", el("title", label), svg_parts, role="img", aria_label=label,
             viewBox=f"0 0 {WIDTH} {height:.0f}", width="100%",
             preserveAspectRatio="xMidYMid meet", xmlns="http://www.w3.org/2000/svg",
             class_=f"chart {kind}", data_chart=chart.ident)  # fmt: skip
    return el("figure", el("figcaption", chart.title), svg, _table(chart), id=chart.ident)


def _empty(chart: Chart) -> Html:
    return el("figure", el("figcaption", chart.title),
              el("p", i18n.t(chart.lang, "charts.none"), class_="muted"), id=chart.ident)  # fmt: skip


def _every(n: int, plot_w: float) -> int:
    """Label every how-many-th category so that labels (about 44 units wide) never meet."""
    return max(1, math.ceil(n / max(plot_w // 44, 1)))


# ---- columns ----------------------------------------------------------------------------------


def bar_chart(chart: Chart, *, height: float = 260) -> Html:
    """Columns: one group per category, one column per series."""
    if not chart.categories:
        return _empty(chart)
    colors = _colors(chart.series)
    top = 30 if len(chart.series) > 1 else 14
    left, right, bottom = 64, 12, 44
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    low, high, ticks = scale([v for s in chart.series for v in s.values], chart.domain)
    y = lambda v: top + plot_h * (high - v) / (high - low)  # noqa: E731
    parts: list[Html] = _legend(chart, colors, 16)
    for tick in ticks:
        parts.append(el("line", x1=str(left), x2=str(WIDTH - right), y1=f"{y(tick):.1f}",
                        y2=f"{y(tick):.1f}", stroke=GRID))  # fmt: skip
        parts.append(el("text", _fmt_tick(tick, chart), x=str(left - 6), y=f"{y(tick) + 4:.1f}",
                        text_anchor="end"))  # fmt: skip
    n = len(chart.categories)
    band = plot_w / n
    bar_w = band * 0.8 / len(chart.series)
    every = _every(n, plot_w)
    zero = y(0)
    for i, cat in enumerate(chart.categories):
        x0 = left + i * band + band * 0.1
        bars = []
        for j, s in enumerate(chart.series):
            value = s.values[i]
            if value is None:
                continue
            top_y, bottom_y = sorted((y(value), zero))
            bars.append(el("rect", el("title", _title(chart, s, cat, value)),
                           x=f"{x0 + j * bar_w:.1f}", y=f"{top_y:.1f}",
                           width=f"{max(bar_w - 1, 1):.1f}",
                           height=f"{max(bottom_y - top_y, 0.5):.1f}", fill=colors[j],
                           class_="bar", data_value=data_value(value), data_series=s.key,
                           data_key=cat.key))  # fmt: skip
        label = (el("text", cat.label, x=f"{left + (i + 0.5) * band:.1f}",
                    y=f"{top + plot_h + 16:.1f}", text_anchor="middle")
                 if i % every == 0 else None)  # fmt: skip
        parts.append(el("g", bars, label, class_="category", data_key=cat.key))
    parts.append(el("line", x1=str(left), x2=str(WIDTH - right), y1=f"{zero:.1f}",
                    y2=f"{zero:.1f}", stroke=AXIS))  # fmt: skip
    if chart.category_header:
        parts.append(el("text", chart.category_header, x=f"{left + plot_w / 2:.1f}",
                        y=f"{height - 6:.1f}", text_anchor="middle", class_="axis-title"))  # fmt: skip
    return _figure(chart, parts, height, "bars")


# ---- rows -------------------------------------------------------------------------------------


def _short(text: str, size: int = 17) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def hbar_chart(chart: Chart) -> Html:
    """One row per category (its name on the left), one bar per series, the figure at its
    end."""
    if not chart.categories:
        return _empty(chart)
    colors = _colors(chart.series)
    row_h = 10 + 16 * len(chart.series)
    top = 30 if len(chart.series) > 1 else 10
    left, right, bottom = 112, 56, 24
    height = top + row_h * len(chart.categories) + bottom
    plot_w = WIDTH - left - right
    low, high, ticks = scale([v for s in chart.series for v in s.values], chart.domain)
    x = lambda v: left + plot_w * (v - low) / (high - low)  # noqa: E731
    parts: list[Html] = _legend(chart, colors, 16)
    axis_y = top + row_h * len(chart.categories)
    for tick in ticks:
        parts.append(el("line", x1=f"{x(tick):.1f}", x2=f"{x(tick):.1f}", y1=str(top),
                        y2=f"{axis_y:.1f}", stroke=GRID))  # fmt: skip
        parts.append(el("text", _fmt_tick(tick, chart), x=f"{x(tick):.1f}",
                        y=f"{axis_y + 14:.1f}", text_anchor="middle"))  # fmt: skip
    zero = x(0)
    for i, cat in enumerate(chart.categories):
        y0 = top + i * row_h + 5
        bars = []
        for j, s in enumerate(chart.series):
            value = s.values[i]
            if value is None:
                continue
            x_from, x_to = sorted((zero, x(value)))
            by = y0 + j * 16
            bars.append(el("rect", el("title", _title(chart, s, cat, value)),
                           x=f"{x_from:.1f}", y=f"{by:.1f}", width=f"{max(x_to - x_from, 0.5):.1f}",
                           height="14", fill=colors[j], class_="bar",
                           data_value=data_value(value), data_series=s.key, data_key=cat.key))  # fmt: skip
            bars.append(el("text", chart.fmt(value), x=f"{max(x_to, zero) + 4:.1f}",
                           y=f"{by + 11:.1f}", class_="value"))  # fmt: skip
        name = el("text", _short(cat.label), x=str(left - 6),
                  y=f"{y0 + row_h / 2 - 1:.1f}", text_anchor="end")  # fmt: skip
        parts.append(el("g", name, bars, class_="category", data_key=cat.key))
    parts.append(el("line", x1=f"{zero:.1f}", x2=f"{zero:.1f}", y1=str(top), y2=f"{axis_y:.1f}",
                    stroke=AXIS))  # fmt: skip
    return _figure(chart, parts, height, "rows")


# ---- lines ------------------------------------------------------------------------------------


def line_chart(chart: Chart, *, height: float = 240) -> Html:
    """One line per series across the categories; each point a circle with its figure."""
    if not chart.categories:
        return _empty(chart)
    colors = _colors(chart.series)
    top = 30 if len(chart.series) > 1 else 14
    left, right, bottom = 84, 20, 44
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    low, high, ticks = scale([v for s in chart.series for v in s.values], chart.domain)
    y = lambda v: top + plot_h * (high - v) / (high - low)  # noqa: E731
    n = len(chart.categories)
    x = lambda i: left + (plot_w * (i + 0.5) / n)  # noqa: E731
    parts: list[Html] = _legend(chart, colors, 16)
    for tick in ticks:
        parts.append(el("line", x1=str(left), x2=str(WIDTH - right), y1=f"{y(tick):.1f}",
                        y2=f"{y(tick):.1f}", stroke=GRID))  # fmt: skip
        parts.append(el("text", _fmt_tick(tick, chart), x=str(left - 6), y=f"{y(tick) + 4:.1f}",
                        text_anchor="end"))  # fmt: skip
    every = _every(n, plot_w)
    for i, cat in enumerate(chart.categories):
        if i % every == 0:
            parts.append(el("text", cat.label, x=f"{x(i):.1f}", y=f"{top + plot_h + 16:.1f}",
                            text_anchor="middle"))  # fmt: skip
    for j, s in enumerate(chart.series):
        runs: list[list[str]] = [[]]
        dots = []
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(f"{x(i):.1f},{y(value):.1f}")
            dots.append(el("circle", el("title", _title(chart, s, chart.categories[i], value)),
                           cx=f"{x(i):.1f}", cy=f"{y(value):.1f}", r="4", fill=colors[j],
                           class_="point", data_value=data_value(value), data_series=s.key,
                           data_key=chart.categories[i].key))  # fmt: skip
        lines = [el("polyline", points=" ".join(run), fill="none", stroke=colors[j],
                    stroke_width="2") for run in runs if len(run) > 1]  # fmt: skip
        parts.append(el("g", lines, dots, class_="series", data_series=s.key))
    parts.append(el("line", x1=str(left), x2=str(WIDTH - right), y1=f"{y(max(low, 0)):.1f}",
                    y2=f"{y(max(low, 0)):.1f}", stroke=AXIS))  # fmt: skip
    return _figure(chart, parts, height, "lines")


__all__ = ["Category", "Chart", "Series", "bar_chart", "hbar_chart", "join", "line_chart",
           "money", "number", "percent"]  # fmt: skip
