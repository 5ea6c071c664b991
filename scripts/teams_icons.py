"""Draw the Teams app icons into teams/: color.png (192x192) and outline.png (32x32).

    .venv/bin/python scripts/teams_icons.py            # rewrites teams/color.png, teams/outline.png
    .venv/bin/python scripts/teams_icons.py --out DIR  # somewhere else (the tests compare)

The motif is a speech bubble with a check mark: "a coach that checks what you are about to
say". Teams wants the colour icon full colour at 192x192 and the outline icon white on a
transparent background at 32x32; it tints the outline itself. Shapes are drawn at 8 times
the size and scaled down, because Pillow's shapes have hard edges. The outline is drawn as
an alpha mask only and then painted white, so that every pixel is white with some alpha.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw

ACCENT = (0x1D, 0x4E, 0x89)  # the manifest's accentColor; the Slack app's background too
WHITE = (255, 255, 255)
SCALE = 8
COLOR_SIZE, OUTLINE_SIZE = 192, 32
TEAMS = Path(__file__).resolve().parents[1] / "teams"

Box = tuple[float, float, float, float]


def _bubble(
    draw: ImageDraw.ImageDraw,
    box: Box,
    *,
    fill: int | tuple[int, ...] | None,
    outline: int | tuple[int, ...] | None,
    width: int,
) -> None:
    """A rounded speech bubble in `box` with its tail at the bottom left."""
    left, top, right, bottom = box
    size = right - left
    tail_top = bottom - size * 0.16
    draw.rounded_rectangle(
        (left, top, right, tail_top), radius=size * 0.2, fill=fill, outline=outline, width=width
    )
    tail = [
        (left + size * 0.2, tail_top - width),
        (left + size * 0.12, bottom),
        (left + size * 0.42, tail_top - width),
    ]
    draw.polygon(tail, fill=fill if fill is not None else outline)
    if fill is None and outline is not None:
        # Keep the bubble's inside clear where the filled tail overlapped the border.
        inner = (left + size * 0.24, tail_top - width * 2.2, left + size * 0.36, tail_top - width)
        draw.rectangle(inner, fill=0)


def _check(draw: ImageDraw.ImageDraw, box: Box, colour: int | tuple[int, ...], width: int) -> None:
    """A check mark inside the bubble's body."""
    left, top, right, _ = box
    size = right - left
    points = [
        (left + size * 0.27, top + size * 0.40),
        (left + size * 0.44, top + size * 0.56),
        (left + size * 0.74, top + size * 0.24),
    ]
    draw.line(points, fill=colour, width=width, joint="curve")


def color_icon() -> Image.Image:
    big = COLOR_SIZE * SCALE
    image = Image.new("RGB", (big, big), ACCENT)
    draw = ImageDraw.Draw(image)
    margin = big * 0.2  # Teams crops the corners; the motif stays in the middle
    box = (margin, margin, big - margin, big - margin)
    _bubble(draw, box, fill=WHITE, outline=None, width=0)
    _check(draw, box, ACCENT, width=int(big * 0.07))
    return image.resize((COLOR_SIZE, COLOR_SIZE), Image.Resampling.LANCZOS)


def outline_icon() -> Image.Image:
    big = OUTLINE_SIZE * SCALE
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    stroke = int(big * 0.075)
    box = (big * 0.06, big * 0.06, big * 0.94, big * 0.94)
    _bubble(draw, box, fill=None, outline=255, width=stroke)
    _check(draw, box, 255, width=stroke)
    alpha = mask.resize((OUTLINE_SIZE, OUTLINE_SIZE), Image.Resampling.LANCZOS)
    white = Image.new("L", alpha.size, 255)
    return Image.merge("RGBA", (white, white, white, alpha))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TEAMS, help="folder to write the icons to")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    color_icon().save(out / "color.png", optimize=True)
    outline_icon().save(out / "outline.png", optimize=True)
    print(f"wrote {out / 'color.png'} and {out / 'outline.png'}")


if __name__ == "__main__":
    main()
