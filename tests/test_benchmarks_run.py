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
    table = lsp_bench.run(changes=5, starts=1)
    rows = {name: value for name, value, _ in table}
    assert rows["didChange → diagnostics, debounce 0 (p95)"].endswith(" ms")
    name, first, note = next(row for row in table if "draft, debounce 0 (p50)" in row[0])
    assert float(first.split()[0]) > 0
    # The changes reach the server as a whole draft: it still has its findings after them
    # (sent as ranges to a full-sync server, the document had become one character).
    assert int(note.split()[0]) > 10, note
