"""Time the LLM path and print figures (never a timed test).

    python scripts/llm_bench.py                 # our own overhead, against the loopback fake
    python scripts/llm_bench.py --url URL --model local -n 3   # a real OpenAI-compatible server

Against the fake the server answers at once, so the time is the coach's own work per request:
offline first pass, prompt, token count, HTTP on loopback, parsing and grounding.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import load_settings  # noqa: E402
from bot.models import Answer  # noqa: E402
from bot.services.factory import build_services  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI, chat  # noqa: E402

PLAN = (ROOT / "examples" / "launch-plan.md").read_text("utf-8")
EVIDENCE = "Comments stay switched off on launch posts so the feed looks clean."
QUESTIONS = ["Is social media free for companies?", "Ist Social Media kostenlos?"]


def timed(label: str, runs: int, fn: Callable[[], str]) -> None:
    seconds, engines = [], Counter[str]()
    for _ in range(runs):
        started = time.perf_counter()
        engines[fn()] += 1
        seconds.append(time.perf_counter() - started)
    p95 = sorted(seconds)[min(len(seconds) - 1, int(0.95 * len(seconds)))]
    print(
        f"{label:<14} n={runs:<4} median {statistics.median(seconds) * 1000:8.1f} ms   "
        f"p95 {p95 * 1000:8.1f} ms   engines {dict(engines)}"
    )


def stream_engine(services_answer: Callable[[str], object], question: str) -> str:
    *_, final = services_answer(question)  # type: ignore[misc]
    assert isinstance(final, Answer)
    return final.engine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--model", default="local")
    parser.add_argument("-n", type=int, default=50)
    args = parser.parse_args()
    fake = None
    if args.url is None:
        finding = {"number": 1, "evidence": EVIDENCE, "why": "w", "rewrite": "r", "confidence": 0.9}
        review = json.dumps({"findings": [finding]})
        answer = json.dumps({"misconceptions": [5], "text": "It costs time and people. " * 8})

        def reply(exchange: object) -> None:
            body = exchange.request.body  # type: ignore[attr-defined]
            content = review if "findings" in json.dumps(body["response_format"]) else answer
            chat(content)(exchange)  # type: ignore[arg-type]

        fake = FakeOpenAI(default=reply).start()
    settings = load_settings(
        OPENAI_BASE_URL=args.url or fake.url,  # type: ignore[union-attr]
        COACH_LLM_MODEL=args.model,
        COACH_LLM_MAX_INPUT_TOKENS=3500,
        COACH_LLM_MAX_OUTPUT_TOKENS=256,
        COACH_LLM_TIMEOUT=120,
        COACH_LLM_DEADLINE=150,
    )
    services = build_services(settings)
    print(f"server: {args.url or 'loopback fake (instant replies)'}")
    timed("offline review", args.n, lambda: services.engine.review(PLAN).engine)
    timed("llm review", args.n, lambda: services.review.review(PLAN).engine)
    for question in QUESTIONS:
        timed("llm answer", args.n, lambda q=question: services.answer.ask(q).engine)
        timed("llm stream", args.n, lambda q=question: stream_engine(services.answer.stream, q))
    if fake:
        fake.close()


if __name__ == "__main__":
    main()
