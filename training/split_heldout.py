"""Move a fixed tenth of the corpus into training/heldout/, which training never reads.

Run once (it is idempotent: rows already held out stay there). A row is held out when the
SHA-1 of its text falls in the chosen tenth, so the choice does not depend on file order and
new corpus files can be split the same way. `coach eval` scores this set by default.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent
HELDOUT = ROOT / "heldout"


def held_out(text: str) -> bool:
    return int(hashlib.sha1(text.encode()).hexdigest(), 16) % 10 == 0  # noqa: S324


def split(kind: str, field: str, prefix: str) -> int:
    target = HELDOUT / f"{kind}.jsonl"
    kept = (
        [json.loads(x) for x in target.read_text("utf-8").splitlines()] if target.exists() else []
    )
    for path in sorted((ROOT / kind).glob("*.jsonl")):
        stay = []
        for line in path.read_text("utf-8").splitlines():
            if line.strip() and held_out(json.loads(line)[field]):
                kept.append(json.loads(line))
            elif line.strip():
                stay.append(line)
        path.write_text("".join(f"{x}\n" for x in stay), "utf-8")
    rows = [
        {"id": f"{prefix}-{i:03d}", **{k: v for k, v in r.items() if k != "id"}}
        for i, r in enumerate(kept, 1)
    ]
    target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return len(rows)


if __name__ == "__main__":
    HELDOUT.mkdir(exist_ok=True)
    print(
        "drafts", split("drafts", "text", "h-d"), "questions", split("questions", "question", "h-q")
    )
