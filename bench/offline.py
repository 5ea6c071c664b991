"""Benchmark the offline engine: start-up, latency per check, resident memory.

    python bench/offline.py [--runs 300]

Figures, not pass/fail: README quotes them. Start-up and memory are measured in fresh
processes so nothing is already imported or cached.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

PLAN_LINES = [
    "Quarterly plan for the Lisbon store opening, draft 3.",
    "Owner: Marta (community) with Joao from support on weekday mornings.",
    "Week 1: teaser posts on Instagram and LinkedIn, two per week, photos from the fit-out.",
    "Week 2: behind-the-scenes reel with the baristas, plus a poll about the opening hours.",
    "Week 3: opening day live story, giveaway of tote bags for the first fifty visitors.",
    "Replies: comments and DMs answered within four working hours by Marta or Joao.",
    "Reporting: reach, saves and store visits reviewed at the end of the quarter.",
    "Every post must bring at least ten bookings within 24 hours or we delete it.",
    "Photos: use the new brand presets; no stock images, please.",
]


def two_thousand_chars() -> str:
    text, i = "", 0
    while len(text) < 2000:
        text += PLAN_LINES[i % len(PLAN_LINES)] + "\n"
        i += 1
    return text[:2000]


CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from bot.config import load_settings
from bot.services.factory import build_services
services = build_services(load_settings(COACH_ENGINE="offline"))
services.review.review("warm up: we never answer comments")
startup = time.perf_counter() - t0
text, runs = sys.argv[1], int(sys.argv[2])
timings = []
for _ in range(runs):
    t = time.perf_counter(); services.review.review(text); timings.append(time.perf_counter() - t)
big = (text * 25)[:40000]
t = time.perf_counter(); services.review.review(big); big_ms = (time.perf_counter() - t) * 1000
questions = ["Do we need a budget for social media?", "Wer soll auf Kommentare antworten?", "Quanto tempo prima di vedere risultati?"]
qt = []
for _ in range(runs // 3):
    for q in questions:
        t = time.perf_counter(); services.answer.ask(q); qt.append(time.perf_counter() - t)
print(json.dumps({"startup_s": startup, "check_ms": [x * 1000 for x in timings], "check_40k_ms": big_ms,
                  "ask_ms": [x * 1000 for x in qt], "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    text = two_thousand_chars()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, text, str(args.runs)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(out.stdout)
    cli = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "check", "hello team"], capture_output=True, check=False
        )
        cli.append(time.perf_counter() - started)
    check = figures["check_ms"]
    print(f"start-up (import + knowledge base + model, in process): {figures['startup_s']:.2f} s")
    print(f"`coach check` whole process, median of 5:              {statistics.median(cli):.2f} s")
    print(
        f"check, 2,000-char plan ({args.runs} runs): p50 {percentile(check, 0.5):.1f} ms, "
        f"p95 {percentile(check, 0.95):.1f} ms, mean {statistics.fmean(check):.1f} ms"
    )
    print(f"check, 40,000-char text: {figures['check_40k_ms']:.0f} ms")
    ask = figures["ask_ms"]
    print(f"ask (en/de/it): p50 {percentile(ask, 0.5):.2f} ms, p95 {percentile(ask, 0.95):.2f} ms")
    print(f"peak resident memory: {figures['rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
