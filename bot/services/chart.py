"""The digest's chart: one pair of bars per trap, this week against last, as a PNG.

Drawn with matplotlib's Agg backend on a Figure of its own (no pyplot, so no global state).
The image is opaque — a light neutral card with dark text and two strongly contrasting bar
colours — so it reads the same on Slack's light and dark themes; a transparent PNG would put
dark text on a dark background. The plotted values are read back from the bars themselves and
returned with the PNG, so a test can check what was drawn, not only what was asked for.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.models import TrapTrend

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.ticker import Locator

BACKGROUND = "#F4F5F7"
INK = "#1D1C1D"  # Slack's own text colour on light backgrounds
GRID = "#C9CCD1"
LAST_WEEK = "#9AA5B8"  # muted: the comparison
THIS_WEEK = "#1D4E89"  # the app's colour: what this week is about
SIZE_INCHES, DPI = (8.0, 4.2), 120
# matplotlib's text and font caches are shared between figures; one chart at a time.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class ChartLabels:
    title: str
    this_week: str
    last_week: str


@dataclass(frozen=True)
class Bar:
    label: str
    this_week: float
    last_week: float


@dataclass(frozen=True)
class Chart:
    png: bytes
    bars: tuple[Bar, ...]  # as plotted, one per trap
    width: int
    height: int


def trap_chart(traps: Sequence[TrapTrend], labels: ChartLabels) -> Chart:
    # Imported here: matplotlib takes a while to load and only the digest needs it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    with _LOCK:
        figure = Figure(figsize=SIZE_INCHES, dpi=DPI, facecolor=BACKGROUND)
        canvas = FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.set_facecolor(BACKGROUND)
        positions = list(range(len(traps)))
        width = 0.38
        last = axes.bar(
            [p - width / 2 for p in positions],
            [t.last_week for t in traps],
            width,
            label=labels.last_week,
            color=LAST_WEEK,
        )
        this = axes.bar(
            [p + width / 2 for p in positions],
            [t.this_week for t in traps],
            width,
            label=labels.this_week,
            color=THIS_WEEK,
        )
        axes.bar_label(this, padding=2, color=INK, fontsize=9)
        # Headroom above the tallest bar for its value and the legend.
        tallest = max([t.this_week for t in traps] + [t.last_week for t in traps] + [1])
        axes.set_ylim(0, tallest * 1.3)
        axes.set_xticks(positions, [_tick(t) for t in traps], color=INK, fontsize=8)
        _style(axes, labels.title, MaxNLocator(integer=True))
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", facecolor=BACKGROUND, transparent=False)
        bars = tuple(
            Bar(_tick(t), float(now.get_height()), float(before.get_height()))
            for t, now, before in zip(traps, this.patches, last.patches, strict=True)
        )
        width_px, height_px = canvas.get_width_height()
    return Chart(buffer.getvalue(), bars, int(width_px), int(height_px))


def _tick(trap: TrapTrend) -> str:
    """ "#2" and the title on at most two short lines, so five labels fit side by side."""
    lines = textwrap.wrap(trap.title, width=17) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width=17, placeholder="…")]
    return "\n".join([f"#{trap.number}", *lines])


def _style(axes: Axes, title: str, locator: Locator) -> None:
    axes.set_title(title, color=INK, fontsize=12, loc="left", pad=12)
    axes.yaxis.set_major_locator(locator)
    axes.tick_params(axis="y", colors=INK, labelsize=9)
    axes.tick_params(axis="x", length=0)
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(INK)
    legend = axes.legend(frameon=False, loc="upper right", fontsize=9)
    for text in legend.get_texts():
        text.set_color(INK)
