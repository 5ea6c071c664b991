"""Terminal rendering for `coach`: colour and layout on a terminal, plain text when piped."""

from __future__ import annotations

import io
import sys
import textwrap
from types import TracebackType
from typing import IO, Any, TextIO, cast

from rich.console import Console
from rich.padding import Padding
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from bot.core.knowledge import KnowledgeBase
from bot.core.phrases import language_name
from bot.i18n import plural, text
from bot.models import TRAP_NUMBERS, Answer, Language, Review

_INDENT = "   "
# textwrap breaks only at ASCII whitespace, so a no-break space keeps "[chars a–b]" whole.
_NBSP = "\u00a0"


class TrimmedLines(io.TextIOBase):
    """A file for a Console writing to a pipe: drops the spaces rich pads lines and cells with.

    On a terminal the padding is invisible; in a file or a linter's log it is noise that
    breaks diffs, so every line loses its trailing spaces before it is written.
    """

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self._target, self._pending = target, ""

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        for line in lines:
            self._target.write(line.rstrip(" ") + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._target.write(self._pending.rstrip(" "))
            self._pending = ""
        self._target.flush()


def terminal_console() -> Console:
    """Standard output: colour and padding on a terminal, trimmed plain lines when piped."""
    if sys.stdout.isatty():
        return Console(highlight=False, soft_wrap=False)
    # A text stream in all but typeshed's eyes (TextIOBase is not declared an IO[str]).
    trimmed = cast(IO[str], TrimmedLines(sys.stdout))
    return Console(file=trimmed, highlight=False, soft_wrap=False)


def _quote(console: Console, evidence: str, start: int, end: int) -> None:
    """The evidence in quotes with its `[chars a–b]` tag, wrapped so the tag never splits."""
    tag = f"[chars{_NBSP}{start}–{end}]"
    width = max(30, console.width - len(_INDENT))
    lines = textwrap.wrap(f"“{evidence}”  {tag}", width, break_on_hyphens=False) or [""]
    for line in lines:
        quote, found, rest = line.partition(tag)
        text = Text(_INDENT) + Text(quote, style="italic")
        if found:
            text.append(found.replace(_NBSP, " ") + rest, style="dim")
        console.print(text, soft_wrap=True)


def render_review(console: Console, review: Review, knowledge: KnowledgeBase) -> None:
    language = review.language
    if review.other_language:
        name = language_name(review.other_language, language)
        console.print(Text(text("review_other_language", language, name=name), style="bold"))
    if review.clean:
        console.print(Text("✓ " + text("review_clean", language), style="bold green"))
        return
    header = plural("review_found", len(review.findings), language)
    console.print(Text(f"✗ {header} [{language}]", style="bold red"))
    for finding in review.findings:
        title = knowledge[finding.number].entry(language).title
        console.print()
        line = Text(f"#{finding.number} {finding.slug}", style="bold yellow")
        line.append(f"  {title}", style="bold")
        line.append(f"  ({finding.confidence:.0%})", style="dim")
        console.print(line)
        _quote(console, finding.evidence, finding.start, finding.end)
        console.print(Padding(Text("→ " + finding.advice), (0, 0, 0, 3)))
        if finding.rewrite:
            console.print(Padding(Text("✎ " + finding.rewrite, style="cyan"), (0, 0, 0, 3)))
    for note in review.notes:
        console.print(Text(note, style="dim"))


def render_answer(console: Console, answer: Answer) -> None:
    console.print(Text(answer.text))
    if answer.citations:
        console.print()
        source = text("source", answer.language)
        for citation in answer.citations:
            console.print(
                Text(
                    f"{source}: #{citation.number} {citation.title} ({citation.slug})", style="dim"
                )
            )
    for note in answer.notes:
        console.print(Text(note, style="dim"))


def review_row(review: Review) -> dict[str, object]:
    """One JSONL result: the same fields as `--format json` (the batch adds the line's `id`).

    `traps` is the 0.1 shape (a subset of each finding), kept for one release so existing
    scripts go on working; new code reads `findings`.
    """
    row: dict[str, object] = review.model_dump(mode="json")
    row["traps"] = [
        f.model_dump(include={"number", "slug", "confidence", "evidence", "start", "end", "advice"})
        for f in review.findings
    ]
    return row


def answer_row(answer: Answer) -> dict[str, object]:
    """One JSONL result of `coach ask --jsonl` (the batch adds the line's `id`)."""
    return {
        "language": answer.language,
        "topic": answer.topic,
        "answer": answer.text,
        "citations": [c.model_dump() for c in answer.citations],
    }


def render_traps(console: Console, knowledge: KnowledgeBase, language: Language) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold yellow", no_wrap=True)
    table.add_column()
    for item in knowledge:
        entry = item.entry(language)
        table.add_row(
            f"#{item.number} {item.slug}",
            Text(f"{entry.title}\n", style="bold") + Text(entry.summary),
        )
    console.print(table)


def render_eval(console: Console, report: dict[str, Any]) -> None:
    drafts = report["drafts"]["all"]
    console.print(f"Set: {report['set']}")
    table = Table(title=f"Trap detection ({drafts['items']} drafts, engine {report['engine']})")
    for column in ("trap", "precision", "recall", "F1"):
        table.add_column(column, justify="right")
    for number in TRAP_NUMBERS:
        row = drafts["per_trap"][number]
        table.add_row(
            str(number), f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}"
        )
    console.print(table)
    console.print(
        f"micro-F1 {drafts['micro_f1']:.3f}   macro-F1 {drafts['macro_f1']:.3f}   "
        f"clean-text FPR {drafts['clean_fpr']:.3f}   exact match {drafts['exact_match']:.3f}   "
        f"{drafts['ms_per_item']:.1f} ms/item (p95 {drafts['ms_p95']:.1f})"
    )
    for key, value in report["drafts"].items():
        if key != "all":
            console.print(
                f"  {key}: macro-F1 {value['macro_f1']:.3f}  "
                f"clean FPR {value['clean_fpr']:.3f}  ({value['items']} items)"
            )
    questions = report["questions"]["all"]
    console.print()
    console.print(
        f"Questions ({questions['items']}): top-1 {questions['top1_acc']:.3f}   in-scope "
        f"{questions['in_scope_acc']:.3f}   null (not covered) {questions['null_acc']:.3f}   "
        f"{questions['ms_per_item']:.1f} ms/item   "
        f"answer language {report['answer_language_acc']:.3f}"
    )
    for key, value in report["questions"].items():
        if key != "all":
            console.print(f"  {key}: top-1 {value['top1_acc']:.3f}  ({value['items']} items)")
    if "offline" in report:
        console.print()
        console.print(_side_by_side(report))


def _side_by_side(report: dict[str, Any]) -> Table:
    """The LLM path next to the offline engine on the same set: it must do no worse."""
    table = Table(title="LLM path vs offline engine (same set)")
    for column in ("figure", str(report["engine"]), "offline"):
        table.add_column(column, justify="right")
    rows = [
        ("macro-F1", "drafts", "macro_f1"),
        ("clean FPR", "drafts", "clean_fpr"),
        ("exact match", "drafts", "exact_match"),
        ("question top-1", "questions", "top1_acc"),
        ("not covered right", "questions", "null_acc"),
    ]
    for label, part, key in rows:
        ours, theirs = report[part]["all"][key], report["offline"][part]["all"][key]
        table.add_row(label, f"{ours:.3f}", f"{theirs:.3f}")
    table.add_row("results by engine", str(report["results_by_engine"]), "")
    return table


class BatchProgress:
    """Progress on stderr for long batches: a bar on a terminal, a line per tenth in a log."""

    _MIN_ITEMS = 50
    _MIN_LOGGED = 1000

    def __init__(self, total: int) -> None:
        self._progress: Progress | None = None
        self._total, self._done = total, 0
        self._log_every = (
            total // 10 if total >= self._MIN_LOGGED and not sys.stderr.isatty() else 0
        )
        if total >= self._MIN_ITEMS and sys.stderr.isatty():
            self._progress = Progress(
                TextColumn("checking"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._task = self._progress.add_task("batch", total=total)

    def __enter__(self) -> BatchProgress:
        if self._progress:
            self._progress.start()
        return self

    def advance(self) -> None:
        self._done += 1
        if self._progress:
            self._progress.advance(self._task)
        elif self._log_every and self._done % self._log_every == 0:
            print(f"coach: {self._done}/{self._total} lines", file=sys.stderr, flush=True)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress:
            self._progress.stop()
