"""The SVG bar charts of the print pages: no label overlaps another, a bar or a value, measured
with the font the PDF uses, with the longest county name of Tongren and a longer one."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest
from PIL import ImageFont

from regions.models import Level, Region
from supervision import charts, report_files, services
from supervision.periods import parse_period
from tongren_fupin import numbers

pytestmark = pytest.mark.django_db

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # fonts-noto-cjk
SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Box:
    what: str
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )


def boxes(svg: ET.Element) -> list[Box]:
    """The box of every text (measured with Noto Sans CJK) and every bar of a chart."""
    found = []
    for element in svg.iter():
        if element.tag == f"{SVG}text":
            size = float(element.get("font-size", "12"))
            font = ImageFont.truetype(FONT, size=round(size))
            text = element.text or ""
            width = font.getlength(text)
            x, y = float(element.get("x", 0)), float(element.get("y", 0))
            left = x - width if element.get("text-anchor") == "end" else x
            _, top, _, bottom = font.getbbox(text, anchor="ls")
            found.append(Box(text, left, y + top, left + width, y + bottom))
        elif element.tag == f"{SVG}rect":
            x, y = float(element.get("x", 0)), float(element.get("y", 0))
            width, height = float(element.get("width", 0)), float(element.get("height", 0))
            found.append(Box("bar", x, y, x + width, y + height))
    return found


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(block) for block in re.findall(r"<svg.*?</svg>", html, flags=re.S)]


def assert_no_overlap(svg: ET.Element) -> None:
    width = float(svg.get("width", 0))
    drawn = boxes(svg)
    for box in drawn:
        assert box.left >= 0 and box.right <= width, (box, width)
    for one, other in itertools.combinations(drawn, 2):
        assert not one.overlaps(other), (one, other)


def test_the_longest_county_name_overlaps_nothing_in_the_printed_charts(city_supervisor):
    longest = max(Region.objects.filter(level=Level.COUNTY), key=lambda r: len(r.name))
    assert longest.name == "印江土家族苗族自治县"
    report = services.analysis_publish(period=parse_period("2019-Q4"))

    html = report_files.report_print_html(report)

    charts_drawn = svgs(html)
    # An indicator no county has a figure of says so instead of a chart of dashes.
    no_figures = html.count('class="note no-figures"')
    assert len(charts_drawn) >= 5 and len(charts_drawn) + no_figures == 16
    for svg in charts_drawn:
        assert longest.name in [t.text for t in svg.iter(f"{SVG}text")]
        assert_no_overlap(svg)


@pytest.mark.parametrize(
    "values",
    [["0", "0"], ["100.00", "99.99"], ["123456789", "1"], [None, "5"]],
    ids=["zero", "full", "long-value", "no-value"],
)
def test_a_longer_name_and_long_values_still_overlap_nothing(values):
    rows = [
        {"region": "1", "name": "印江土家族苗族自治县新寨镇移民安置区", "value": values[0]},
        {"region": "2", "name": "碧江区", "value": values[1]},
    ]
    chart = charts.bar_chart(rows, numbers.COUNT if len(values[0] or "") > 6 else numbers.PERCENT)
    svg = ET.fromstring(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{chart.width}">'
        + "".join(
            f'<text x="{b.label_x}" y="{b.y}" text-anchor="end" font-size="12">{b.name}</text>'
            f'<rect x="{b.bar_x}" y="{b.bar_y}" width="{b.bar_width}" height="{charts.BAR}"/>'
            f'<text x="{b.value_x}" y="{b.y}" font-size="12">{b.value}</text>'
            for b in chart.bars
        )
        + "</svg>"
    )

    assert_no_overlap(svg)


def test_bars_are_as_long_as_the_figures_written_beside_them():
    rows = [
        {"region": "1", "name": "碧江区", "value": "0.06"},
        {"region": "2", "name": "思南县", "value": "0.14"},
        {"region": "3", "name": "印江土家族苗族自治县", "value": "0.04"},
        {"region": "4", "name": "万山区", "value": "0.00"},
    ]

    chart = charts.bar_chart(rows, numbers.PERCENT)

    assert [bar.value for bar in chart.bars] == ["0.1%", "0.1%", "0.0%", "0.0%"]
    widths = [bar.bar_width for bar in chart.bars]
    assert widths[0] == widths[1] == charts.BAR_LENGTH
    assert widths[2] == widths[3] == 0


def test_an_indicator_without_any_figure_has_a_note_instead_of_a_chart(city_supervisor):
    report = services.analysis_publish(period=parse_period("2019-Q4"))
    content = dict(report.content)
    content["comparison"] = {
        code: [{**row, "value": None} for row in rows] if code == "filing_rate" else rows
        for code, rows in content["comparison"].items()
    }
    report.content = content

    html = report_files.report_print_html(report)

    section = re.search(r'<section class="indicator">\s*<h3>项目备案率.*?</section>', html, re.S)
    assert section is not None
    assert "<svg" not in section.group(0)
    assert '<p class="note no-figures">本辖区该期间暂无该指标数据。</p>' in section.group(0)
