"""`make bench` is not part of `make test`, so a benchmark module can rot unseen when the code it
times changes shape (language.check became lazy and its benchmark asserted on a generator).
The cheap modules run here end to end; the slow ones are covered by their own smoke tests."""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_language_benchmark_runs_and_times_real_work(capsys):
    sys.path.insert(0, str(REPO))
    try:
        from benchmarks import language_bench
    finally:
        sys.path.remove(str(REPO))
    language_bench.main()
    out = capsys.readouterr().out
    assert "language check, English draft" in out and "langdetect profiles" in out


def test_the_lsp_benchmark_runs_a_real_server(capsys):
    sys.path.insert(0, str(REPO))
    try:
        from benchmarks import lsp_bench
    finally:
        sys.path.remove(str(REPO))
    rows = dict((name, value) for name, value, _ in lsp_bench.run(changes=5, starts=1))
    assert rows["didChange → diagnostics, debounce 0 (p95)"].endswith(" ms")
    first = next(v for k, v in rows.items() if "2,0" in k and "p50" in k or "draft, debounce 0 (p50)" in k)
    assert float(first.split()[0]) > 0
