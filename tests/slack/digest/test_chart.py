"""The digest's chart: a PNG that decodes, opaque (readable on light and dark themes), with
one pair of bars per trap holding the week's figures."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.image import imread

from bot.models import TrapTrend
from bot.services.chart import BACKGROUND, ChartLabels, trap_chart
from bot.services.digest_sections import chart_labels

TITLES = [
    "Social media is just another marketing channel",
    "Social media delivers instant ROI",
    "Marketing alone owns social media",
    "A mishap is fatal",
    "Social media is free",
]


def traps(this: list[int], last: list[int]) -> list[TrapTrend]:
    return [
        TrapTrend(number=n, slug="s", title=t, this_week=a, last_week=b)
        for n, (t, a, b) in enumerate(zip(TITLES, this, last, strict=True), 1)
    ]


def luminance(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_one_bar_pair_per_trap_with_the_weeks_figures() -> None:
    chart = trap_chart(traps([3, 0, 1, 7, 2], [1, 4, 0, 7, 0]), chart_labels("en"))
    assert [(b.this_week, b.last_week) for b in chart.bars] == [
        (3, 1),
        (0, 4),
        (1, 0),
        (7, 7),
        (2, 0),
    ]
    assert [b.label.split("\n")[0] for b in chart.bars] == ["#1", "#2", "#3", "#4", "#5"]


def test_the_png_decodes_and_is_opaque() -> None:
    chart = trap_chart(traps([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]), chart_labels("de"))
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = imread(io.BytesIO(chart.png), format="png")
    assert pixels.shape[:2] == (chart.height, chart.width)
    if pixels.shape[2] == 4:
        assert np.all(pixels[..., 3] == 1.0), "no transparent pixel: one look on every theme"
    corner = pixels[2, 2, :3]
    expected = [int(BACKGROUND[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    assert corner == pytest.approx(expected, abs=0.01)
    # The ink and bars stand out from the background (WCAG contrast ratio of at least 3).
    for color in ("#1D1C1D", "#1D4E89"):
        light, dark = luminance(BACKGROUND), luminance(color)
        assert (light + 0.05) / (dark + 0.05) >= 3


@pytest.mark.parametrize("language", ["en", "de", "it"])
def test_labels_in_every_language_and_long_titles(language: str) -> None:
    long = [t * 3 for t in TITLES]
    trends = [
        TrapTrend(number=n, slug="s", title=t, this_week=0, last_week=0)
        for n, t in enumerate(long, 1)
    ]
    chart = trap_chart(trends, chart_labels(language))  # type: ignore[arg-type]
    assert len(chart.bars) == 5 and all(b.label.count("\n") <= 2 for b in chart.bars)


def test_custom_labels_are_used() -> None:
    chart = trap_chart(traps([1, 1, 1, 1, 1], [0, 0, 0, 0, 0]), ChartLabels("T", "now", "then"))
    assert len(chart.png) > 1000
