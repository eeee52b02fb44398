"""Bar charts as SVG drawn on the server (no script: they print and go into the PDF).

The label column is as wide as the longest name, measured with ``text_width``: a CJK character
is one em, anything else at most 0.62 em (Noto Sans CJK, the font of the PDFs, draws digits and
Latin letters narrower). The value is written after the end of its bar, and the chart is as
wide as the longest bar with the longest value. So no label overlaps a bar or a value, however
long a county's name."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from tongren_fupin import numbers

FONT_SIZE = 12
ROW = 22  # px per bar
BAR = 14  # px: the bar's thickness
GAP = 6  # px between a label, its bar and its value
BAR_LENGTH = 300  # px of the longest bar


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """An upper bound of the width of ``text`` at ``size`` px."""
    return sum(
        size if unicodedata.east_asian_width(ch) in ("W", "F") else size * 0.62 for ch in text
    )


@dataclass(frozen=True)
class Bar:
    name: str
    value: str  # as written (``numbers.figure_text``)
    label_x: float  # the name ends here (text-anchor: end)
    y: float  # the baseline of the texts
    bar_x: float
    bar_y: float
    bar_width: float
    value_x: float


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    bars: list[Bar]


def bar_chart(rows: list[dict[str, Any]], kind: str) -> Chart:
    """A horizontal bar per row (``name``, ``value``) of an indicator of ``kind``."""
    texts = [numbers.figure_text(row["value"], kind) for row in rows]
    # Bars are as long as the figures written beside them (a rate of 0.04 written 0.0% has no
    # bar, and two rates written 0.1% have bars of the same length).
    values = [float(numbers.cell_value(row["value"], kind) or 0) for row in rows]
    top = max((abs(v) for v in values), default=0.0) or 1.0
    label_width = max((text_width(row["name"]) for row in rows), default=0.0)
    bar_x = label_width + GAP
    bars = []
    for index, (row, text, value) in enumerate(zip(rows, texts, values, strict=True)):
        width = round(abs(value) / top * BAR_LENGTH, 1)
        bars.append(
            Bar(
                name=row["name"],
                value=text,
                label_x=label_width,
                y=index * ROW + (ROW + FONT_SIZE) / 2 - 2,
                bar_x=bar_x,
                bar_y=index * ROW + (ROW - BAR) / 2,
                bar_width=width,
                value_x=bar_x + width + GAP,
            )
        )
    value_width = max((text_width(t) for t in texts), default=0.0)
    return Chart(
        width=round(bar_x + BAR_LENGTH + GAP + value_width + 2, 1),
        height=max(ROW, ROW * len(rows)),
        bars=bars,
    )
