"""How often each rule cries wolf, and how much it still catches (run: python -m benchmarks.false_alarms).

Three measures, all on text the rules were not written from:

- Leipzig news sentences (English and Korean, ../shared/data/leipzig): each
  sentence linted as its own draft under the `general` context; findings per
  1,000 sentences per rule. Rules that must never fire on neutral text
  (blame, promises, withdrawal, shouting, IDs, templates...) should show 0;
  LEN003 is left out (one sentence is always too short to be a reply).
- The clean-reply corpus (tests/corpus/clean): replies that must get no
  warning and no error; the count of warnings and errors per rule.
- The recall corpus (tests/corpus/flawed/*.toml): labelled defects found.

Without ../shared the Leipzig part is skipped with a note; nothing else needs it.
"""
from __future__ import annotations

import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LEIPZIG = REPO.parent / "shared" / "data" / "leipzig" / "sentences"
CLEAN = REPO / "tests" / "corpus" / "clean"
FLAWED = REPO / "tests" / "corpus" / "flawed"
NOT_FOR_SENTENCES = {"LEN003"}


def leipzig_rates(linter, lang: str) -> tuple[int, Counter]:
    """(sentences, findings per rule) for one Leipzig sentence file."""
    lines = [line for line in (LEIPZIG / f"{lang}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    counts: Counter = Counter()
    for line in lines:
        for f in linter.lint_text(line, platform="general", kind="general").findings:
            if f.rule not in NOT_FOR_SENTENCES:
                counts[f.rule] += 1
    return len(lines), counts


def clean_alarms(linter) -> tuple[int, int, Counter]:
    """(replies, replies with a warning or error, warnings and errors per rule) on the clean corpus."""
    from replydesk.linting.findings import Severity

    files = sorted(CLEAN.rglob("*.txt"))
    per_rule: Counter = Counter()
    noisy = 0
    for path in files:
        findings = [f for f in linter.lint_text(path.read_text(encoding="utf-8")).findings if f.severity >= Severity.WARNING]
        noisy += bool(findings)
        per_rule.update(f.rule for f in findings)
    return len(files), noisy, per_rule


def recall(linter) -> tuple[Counter, Counter]:
    """(labelled, found) per rule on the recall corpus."""
    from replydesk.linting.context import context_from_mapping
    from replydesk.linting.findings import Severity

    labelled: Counter = Counter()
    found: Counter = Counter()
    drafts = [d for path in sorted(FLAWED.glob("*.toml")) for d in tomllib.loads(path.read_text(encoding="utf-8"))["draft"]]
    for draft in drafts:
        result = linter.lint_text(draft["text"], overrides=context_from_mapping(draft["context"]))
        codes = {f.rule for f in result.findings if f.severity >= Severity.WARNING}
        for code in draft["expect"]:
            labelled[code] += 1
            found[code] += code in codes
    return labelled, found


def main(argv: list[str] | None = None) -> int:
    from replydesk.linting.loading import build_linter

    linter = build_linter()
    start = time.perf_counter()
    if LEIPZIG.is_dir():
        tables = {lang: leipzig_rates(linter, lang) for lang in ("en", "ko")}
        codes = sorted(set().union(*(c for _, c in tables.values())))
        print("Leipzig sentences, findings per 1,000 sentences (general context; LEN003 left out)")
        print(f"  {'rule':<9}" + "".join(f"{lang + f' ({n:,})':>14}" for lang, (n, _) in tables.items()))
        for code in codes:
            print(f"  {code:<9}" + "".join(f"{1000 * c[code] / n:>14.1f}" for n, c in tables.values()))
        if not codes:
            print("  (no findings)")
    else:
        print(f"Leipzig sentences: skipped ({LEIPZIG} not found; clone shared/ beside the repository)")
    files, noisy, per_rule = clean_alarms(linter)
    shown = ", ".join(f"{code} {n}" for code, n in per_rule.most_common()) or "none"
    print(f"Clean replies: {noisy} of {files} with a warning or error ({shown})")
    labelled, found = recall(linter)
    print(f"Recall on labelled defects: {sum(found.values())} of {sum(labelled.values())}")
    missed = ", ".join(f"{c} {found[c]}/{labelled[c]}" for c in sorted(labelled) if found[c] < labelled[c])
    print(f"  below full recall: {missed or 'none'}")
    print(f"({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
