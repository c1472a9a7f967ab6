"""replydesk against its peers on the same corpus: textlint + textlint-rule-prh, and proselint.

    python -m benchmarks.peers [--runs 3] [--skip-5000]

The peers are installed by this benchmark into benchmarks/.cache (npm for
textlint, a private venv for proselint); they are never project
dependencies, and a missing Node.js or an offline registry just skips them.
The shipped glossaries become a prh dictionary (avoided form → preferred
form), padded with generated entries to 50 rules; the 5,000-rule case
converts a generated 5,000-entry glossary, which replydesk loads too. The
machine is shared and noisy, so the table reports ratios (peer time /
replydesk time) next to the seconds, each a median of several runs.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from .corpus import write_corpus

CACHE = Path(__file__).resolve().parent / ".cache"
TEXTLINT = CACHE / "textlint" / "node_modules" / ".bin" / "textlint"
PROSELINT = CACHE / "proselint" / "bin" / "proselint"
GLOSSARIES = Path(__file__).resolve().parents[1] / "glossaries"


def ensure_textlint() -> bool:
    if TEXTLINT.exists():
        return True
    if not shutil.which("npm") or not shutil.which("node"):
        return False
    (CACHE / "textlint").mkdir(parents=True, exist_ok=True)
    out = subprocess.run(
        ["npm", "install", "--prefix", str(CACHE / "textlint"), "--no-audit", "--no-fund",
         "textlint@15", "textlint-rule-prh@6"],
        capture_output=True, text=True, check=False,
    )
    return out.returncode == 0 and TEXTLINT.exists()


def ensure_proselint() -> bool:
    if PROSELINT.exists():
        return True
    venv = CACHE / "proselint"
    if subprocess.run([sys.executable, "-m", "venv", str(venv)], check=False).returncode != 0:
        return False
    out = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "proselint==0.16.0"],
                         capture_output=True, text=True, check=False)
    return out.returncode == 0 and PROSELINT.exists()


def glossary_pairs(folder: Path) -> list[tuple[str, list[str]]]:
    """(preferred form, avoided forms) of every term entry that has avoided forms."""
    pairs = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("entry", []):
            avoid = [a["form"] if isinstance(a, dict) else a for a in entry.get("avoid", [])]
            avoid = [a for a in avoid if isinstance(a, str) and not a.startswith("re:")]
            preferred = entry.get("en") or entry.get("ko") or entry.get("zh") or entry.get("id")
            if avoid and isinstance(preferred, str):
                pairs.append((preferred, avoid))
    return pairs


def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON strings are valid YAML scalars


def write_prh(pairs: list[tuple[str, list[str]]], path: Path) -> None:
    lines = ["version: 1", "rules:"]
    for expected, patterns in pairs:
        lines.append(f"  - expected: {_yaml_str(expected)}")
        lines.append("    patterns:")
        lines.extend(f"      - {_yaml_str(p)}" for p in patterns)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def synthetic_pairs(count: int, seed: int = 7) -> list[tuple[str, list[str]]]:
    rng = random.Random(seed)
    syll = ["ka", "lo", "mi", "ne", "ru", "ta", "shi", "pa", "do", "ve", "zo", "qu"]
    out = []
    for i in range(count):
        word = "".join(rng.choice(syll) for _ in range(3)) + f"{i}"
        out.append((f"{word} preferred", [f"{word} avoided"]))
    return out


def write_replydesk_glossary(pairs: list[tuple[str, list[str]]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ['[glossary]', 'name = "benchmark"', 'platforms = ["coupang"]', 'languages = ["en"]',
             'version = "1"', 'use = "terms"', 'rule = "TERM001"', ""]
    for i, (preferred, avoid) in enumerate(pairs):
        lines += ["[[entry]]", f'id = "bench-{i}"', f"en = {json.dumps(preferred)}",
                  "avoid = [" + ", ".join("{ form = " + json.dumps(a) + " }" for a in avoid) + "]",
                  'reason = "benchmark entry"', ""]
    (folder / "bench.toml").write_text("\n".join(lines), encoding="utf-8")


def _median_wall(cmd: list[str], runs: int, cwd: Path | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(runs: int = 3, with_5000: bool = True) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    replydesk = [sys.executable, "-m", "replydesk.tui.entry", "lint", "--quiet"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        write_corpus(corpus)
        files = sorted(str(p) for p in corpus.glob("*.txt"))
        ours = _median_wall(replydesk + [str(corpus)], runs, cwd=tmp)
        ours_serial = _median_wall(replydesk + ["-j", "1", str(corpus)], runs, cwd=tmp)
        rows.append(("replydesk, every rule, shipped glossaries", f"{ours:.2f} s", f"serial (-j 1) {ours_serial:.2f} s"))

        big = tmp / "big"
        pairs5000 = synthetic_pairs(5000)
        write_replydesk_glossary(pairs5000, big / "glossaries")
        (big / "replydesk.toml").write_text('glossary_dirs = ["glossaries"]\n', encoding="utf-8")
        ours_big = _median_wall(replydesk + [str(corpus)], runs, cwd=big)
        rows.append(("replydesk, every rule + 5,000-entry glossary", f"{ours_big:.2f} s", ""))

        if ensure_textlint():
            for n, label in ((50, "50"), (5000, "5,000")):
                if n == 5000 and not with_5000:
                    continue
                work = tmp / f"textlint{n}"
                work.mkdir()
                pairs = glossary_pairs(GLOSSARIES)[:n] if n == 50 else pairs5000
                pairs += synthetic_pairs(n - len(pairs), seed=11) if len(pairs) < n else []
                write_prh(pairs, work / "prh.yml")
                (work / ".textlintrc.json").write_text(
                    json.dumps({"rules": {"prh": {"rulePaths": [str(work / "prh.yml")]}}}), encoding="utf-8")
                peer = _median_wall([str(TEXTLINT), "--config", str(work / ".textlintrc.json"), str(corpus / "*.txt")],
                                    1 if n == 5000 else runs, cwd=work)
                base = ours_big if n == 5000 else ours
                rows.append((f"textlint + prh, {label} rules", f"{peer:.2f} s", f"{peer / base:.1f}× replydesk"))
        else:
            rows.append(("textlint + prh", "skipped", "Node.js/npm not available"))

        if ensure_proselint():
            peer = _median_wall([str(PROSELINT), "check", *files], runs, cwd=tmp)
            rows.append(("proselint 0.16", f"{peer:.2f} s", f"{peer / ours:.1f}× replydesk"))
        else:
            rows.append(("proselint", "skipped", "could not be installed"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-5000", action="store_true", help="skip textlint with 5,000 rules (about 2 minutes)")
    args = parser.parse_args()
    rows = run(args.runs, not args.skip_5000)
    width = max(len(r[0]) for r in rows)
    print("2,000 drafts, one command each; ratio = peer time / replydesk time")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>9}  {note}")


if __name__ == "__main__":
    main()
