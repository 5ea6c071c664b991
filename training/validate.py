"""Validate the hand-written corpus (training/drafts, training/questions, training/heldout).

Run: python training/validate.py   -- prints counts, exits 1 on the first batch of problems.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent
LANGS = {"en", "de", "it"}
KINDS = {"post", "plan", "message"}


def check_draft(row: dict, where: str) -> list[str]:
    problems = []
    if set(row) - {"text", "traps", "evidence", "kind", "lang"}:
        problems.append(
            f"{where}: unknown fields {sorted(set(row) - {'text', 'traps', 'evidence', 'kind', 'lang'})}"
        )
    text, traps, evidence = row.get("text"), row.get("traps"), row.get("evidence", {})
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: text must be a non-empty string")
        return problems
    if row.get("lang") not in LANGS:
        problems.append(f"{where}: lang must be one of {sorted(LANGS)}")
    if row.get("kind") not in KINDS:
        problems.append(f"{where}: kind must be one of {sorted(KINDS)}")
    if (
        not isinstance(traps, list)
        or any(t not in range(1, 6) for t in traps)
        or traps != sorted(set(traps))
    ):
        problems.append(f"{where}: traps must be a sorted list of distinct ints 1-5")
        return problems
    if not isinstance(evidence, dict):
        problems.append(f"{where}: evidence must be an object")
        return problems
    if {int(k) for k in evidence} != set(traps):
        problems.append(f"{where}: evidence keys {sorted(evidence)} must match traps {traps}")
    for key, quote in evidence.items():
        if not isinstance(quote, str) or not quote.strip() or quote not in text:
            problems.append(
                f"{where}: evidence for trap {key} is not an exact substring of text: {quote!r}"
            )
    return problems


def check_question(row: dict, where: str) -> list[str]:
    problems = []
    if set(row) != {"question", "topic", "lang"}:
        problems.append(f"{where}: fields must be exactly question, topic, lang")
    if not isinstance(row.get("question"), str) or not row["question"].strip():
        problems.append(f"{where}: question must be a non-empty string")
    if row.get("topic") is not None and row.get("topic") not in range(1, 6):
        problems.append(f"{where}: topic must be 1-5 or null")
    if row.get("lang") not in LANGS:
        problems.append(f"{where}: lang must be one of {sorted(LANGS)}")
    return problems


def main() -> int:
    problems: list[str] = []
    seen: set[str] = set()
    stats: Counter[str] = Counter()
    for kind, check in (("drafts", check_draft), ("questions", check_question)):
        # the held-out set (never trained on) is checked too, and a text in both is a leak
        held_out = ROOT / "heldout" / f"{kind}.jsonl"
        for path in [*sorted((ROOT / kind).glob("*.jsonl")), held_out]:
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                where = f"{path.relative_to(ROOT)}:{n}"
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    problems.append(f"{where}: not JSON ({exc})")
                    continue
                row.pop("id", None)
                problems += check(row, where)
                key = (row.get("text") or row.get("question") or "").strip().lower()
                if key in seen:
                    problems.append(f"{where}: duplicate text")
                seen.add(key)
                lang = row.get("lang")
                if kind == "drafts":
                    labels = row.get("traps") or ["clean"]
                    for t in labels:
                        stats[f"drafts {lang} {t}"] += 1
                else:
                    stats[f"questions {lang} {row.get('topic')}"] += 1
    for key in sorted(stats):
        print(f"{key:24} {stats[key]}")
    for p in problems[:50]:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
