"""The README's pictures, made from real output so they never show what the coach no longer does.

    .venv/bin/python scripts/screenshots.py     # writes docs/images/{slack-reply,coach-check}.png

The Slack picture is the Block Kit that bot/slack/blocks.py builds for the example plan, drawn
into a Slack-like HTML page; the terminal picture is `coach check`'s own rich rendering,
exported as HTML. Headless Chromium takes both screenshots (apt-get install chromium).
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.terminal_theme import MONOKAI

from bot.cli.render import render_review
from bot.core.engine import OfflineEngine
from bot.services.review import ReviewService
from bot.slack.blocks import review_message

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "examples" / "launch-plan.md"
IMAGES = ROOT / "docs" / "images"
MRKDWN = [
    (r"\*(\S[^*]*?)\*", r"<b>\1</b>"),
    (r"(?<!\w)_(\S[^_]*?)_(?!\w)", r"<i>\1</i>"),
    (r"`([^`]+)`", r"<code>\1</code>"),
    (r"&lt;(https?://[^|&]+)\|([^&]+)&gt;", r'<a href="\1">\2</a>'),
]
EMOJI = {":white_check_mark:": "✅", ":warning:": "⚠️"}

SLACK_CSS = """
body { margin: 0; background: #fff; font: 15px/1.46668 -apple-system, 'Segoe UI', 'Noto Sans',
  'DejaVu Sans', sans-serif; color: #1d1c1d; }
.msg { display: flex; padding: 16px 20px; width: 760px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #1d4e89; color: #fff;
  font-weight: 700; display: flex; align-items: center; justify-content: center;
  margin-right: 8px; }
.name { font-weight: 900; } .app { background: #e8e8e8; font-size: 10px; padding: 1px 3px;
  border-radius: 2px; color: #616061; margin: 0 4px; } .time { color: #616061; font-size: 12px; }
.header { font-size: 18px; font-weight: 900; margin: 6px 0 4px; }
.section { margin: 6px 0; white-space: pre-wrap; }
blockquote { margin: 2px 0; padding-left: 12px; border-left: 4px solid #ddd; }
.context { color: #616061; font-size: 13px; margin: 2px 0 8px; }
.actions button { font: inherit; font-size: 14px; font-weight: 700; background: #fff;
  border: 1px solid #bbb; border-radius: 4px; padding: 3px 12px; margin: 6px 8px 0 0; }
.actions button.primary { background: #007a5a; color: #fff; border-color: #007a5a; }
.ephemeral { color: #616061; font-size: 13px; margin-top: 6px; }
"""


def mrkdwn(text: str) -> str:
    """Enough of Slack's mrkdwn for a picture: quotes, bold, italics, code, links, emoji."""
    lines = []
    for raw in html.escape(html.unescape(text), quote=False).split("\n"):
        quoted = raw.startswith("&gt;")
        line = raw.removeprefix("&gt;")
        for pattern, replacement in MRKDWN:
            line = re.sub(pattern, replacement, line)
        for code, emoji in EMOJI.items():
            line = line.replace(code, emoji)
        lines.append(f"<blockquote>{line}</blockquote>" if quoted else line)
    return "\n".join(lines).replace("</blockquote>\n", "</blockquote>")


def block_html(block: dict[str, Any]) -> str:
    kind = block["type"]
    if kind == "header":
        return f'<div class="header">{html.escape(block["text"]["text"])}</div>'
    if kind == "section":
        return f'<div class="section">{mrkdwn(block["text"]["text"])}</div>'
    if kind == "context":
        parts = [mrkdwn(element.get("text", "")) for element in block["elements"]]
        return f'<div class="context">{" ".join(parts)}</div>'
    if kind == "actions":
        buttons = [
            f'<button class="{element.get("style", "")}">'
            f"{html.escape(element['text']['text'])}</button>"
            for element in block["elements"]
        ]
        return f'<div class="actions">{"".join(buttons)}</div>'
    return ""


def slack_page(blocks: list[dict[str, Any]]) -> str:
    body = "".join(block_html(block) for block in blocks)
    return (
        f"<html><head><meta charset='utf-8'><style>{SLACK_CSS}</style></head><body>"
        '<div class="msg"><div class="avatar">C</div><div>'
        '<span class="name">coach</span><span class="app">APP</span>'
        '<span class="time">10:42</span>'
        '<div class="section">/coach check <i>(the launch plan from examples/)</i></div>'
        f'{body}<div class="ephemeral">Only visible to you</div></div></div></body></html>'
    )


def terminal_page(engine: OfflineEngine, text: str) -> str:
    console = Console(
        file=io.StringIO(), record=True, width=80, force_terminal=True, color_system="truecolor"
    )
    console.print("$ coach check --file examples/launch-plan.md", style="bold")
    render_review(console, ReviewService(engine).review(text), engine.knowledge)
    return console.export_html(theme=MONOKAI, inline_styles=True)


def shoot(page: str, target: Path, size: str) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("screenshots: needs Chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "page.html"
        source.write_text(page, encoding="utf-8")
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={folder}/profile",
                f"--window-size={size}",
                f"--screenshot={target}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    engine = OfflineEngine.load()
    text = PLAN.read_text(encoding="utf-8")
    message = review_message(ReviewService(engine).review(text), engine.knowledge, "example")
    shoot(slack_page(message.blocks), IMAGES / "slack-reply.png", "800,940")
    shoot(terminal_page(engine, text), IMAGES / "coach-check.png", "860,700")
    print(f"wrote {IMAGES / 'slack-reply.png'} and {IMAGES / 'coach-check.png'}")


if __name__ == "__main__":
    main()
