"""Linter speed on the deterministic corpus: batch wall time, marginal per-draft cost,
single-draft cold start and peak memory. Each figure is the median of several runs.

    python -m benchmarks.lint_bench [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .corpus import write_corpus

REPLYDESK = [sys.executable, "-m", "replydesk.tui.entry"]


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def _peak_rss_mb(paths: list[str], cwd: Path | None = None) -> float:
    code = (
        "import resource, sys\n"
        "from replydesk.tui.entry import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['lint', '--quiet', *sys.argv[1:]])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *paths], capture_output=True, text=True, check=False, cwd=cwd)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def in_process_per_draft(paths: list[Path], runs: int) -> tuple[float, float]:
    """(first-pass µs/draft, warm µs/draft) linting already-read texts in one process."""
    from replydesk.linting.loading import build_linter

    texts = [p.read_text(encoding="utf-8") for p in paths]
    linter = build_linter()
    start = time.perf_counter()
    for t in texts:
        linter.lint_text(t)
    first = (time.perf_counter() - start) / len(texts) * 1e6
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        for t in texts:
            linter.lint_text(t)
        warm.append((time.perf_counter() - start) / len(texts) * 1e6)
    return first, statistics.median(warm)


def run(runs: int = 5) -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        paths = write_corpus(corpus)
        one = str(paths[0])
        _wall(REPLYDESK + ["lint", "--quiet", one])  # warm the OS file cache
        batch = statistics.median(_wall(REPLYDESK + ["lint", "--quiet", str(corpus)]) for _ in range(runs))
        small = statistics.median(_wall(REPLYDESK + ["lint", "--quiet", *map(str, paths[:200])]) for _ in range(runs))
        serial = statistics.median(_wall(REPLYDESK + ["lint", "-j", "1", "--quiet", str(corpus)]) for _ in range(runs))
        serial_small = statistics.median(
            _wall(REPLYDESK + ["lint", "-j", "1", "--quiet", *map(str, paths[:200])]) for _ in range(runs)
        )
        cold = statistics.median(_wall(REPLYDESK + ["lint", "--quiet", one]) for _ in range(runs))
        marginal = (batch - small) / (len(paths) - 200) * 1e6
        serial_marginal = (serial - serial_small) / (len(paths) - 200) * 1e6
        first, warm = in_process_per_draft(paths, runs)
        rss = _peak_rss_mb([str(corpus)])
        # The same batch with a 10,000-entry glossary added through replydesk.toml.
        from .peers import synthetic_pairs, write_replydesk_glossary

        big = Path(tmp) / "big"
        write_replydesk_glossary(synthetic_pairs(10_000), big / "glossaries")
        (big / "replydesk.toml").write_text('glossary_dirs = ["glossaries"]\n', encoding="utf-8")
        rss_big = _peak_rss_mb([str(corpus)], cwd=big)
    return [
        ("batch lint, 2,000 drafts, one command (a worker per core)", f"{batch:.2f} s", "≤ 1.5 s"),
        ("marginal wall time per draft (batch 2,000 vs 200)", f"{marginal:.0f} µs", "≤ 250 µs"),
        ("same, serial (-j 1): batch / marginal", f"{serial:.2f} s / {serial_marginal:.0f} µs", ""),
        ("in-process per draft, first pass / warm", f"{first:.0f} / {warm:.0f} µs", ""),
        ("single draft, cold process", f"{cold:.2f} s", "≤ 1.0 s"),
        ("peak memory, batch of 2,000 (per process)", f"{rss:.0f} MB", ""),
        ("peak memory, same with a 10,000-entry glossary", f"{rss_big:.0f} MB", "≤ 300 MB"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = run(args.runs)
    width = max(len(r[0]) for r in rows)
    for name, value, goal in rows:
        print(f"{name:<{width}}  {value:>14}  {goal}")


if __name__ == "__main__":
    main()
