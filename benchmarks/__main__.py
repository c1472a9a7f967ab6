"""`make bench`: every benchmark, one section each. Figures are medians or best-of-N;
the machine is shared, so compare ratios and the CPU reference printed first.

    python -m benchmarks [--quick]    # --quick skips textlint with 5,000 rules (~2 min)
"""
from __future__ import annotations

import sys

from . import cpu_reference


def _section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 70 - len(title)), flush=True)


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    print(f"CPU reference: sum(range(2e6)) best of 5 = {cpu_reference() * 1e3:.1f} ms")

    from . import false_alarms, glossary_bench, language_bench, lint_bench, lsp_bench, peers, receiver_bench, stats_bench, tui_bench

    _section("false alarms and recall (Leipzig sentences, clean replies, labelled defects)")
    false_alarms.main([])

    _section("linter: 2,000-draft corpus (benchmarks/corpus.py)")
    for name, value, goal in lint_bench.run(runs=5):
        print(f"{name:<58} {value:>16}  {goal}")

    _section("glossary: 100 vs 10,000 entries")
    for name, value, goal in glossary_bench.run():
        print(f"{name:<58} {value:>22}  {goal}")

    _section("language rule")
    language_bench.main()

    _section("operator desk: 10,000-case queue")
    tui_bench.main([])

    _section("replydesk stats: 10,000-case queue")
    stats_bench.main([])

    _section("replydesk receive: signed deliveries over loopback HTTP, durable writes")
    receiver_bench.main([])

    _section("replydesk lsp: start-up and diagnostics per keystroke (2,000-character draft)")
    lsp_bench.main([])

    _section("peers: textlint + prh, proselint (same corpus)")
    rows = peers.run(runs=3, with_5000=not quick)
    for name, value, note in rows:
        print(f"{name:<58} {value:>9}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
