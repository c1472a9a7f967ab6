"""Lint time grows linearly with the draft, also on the worst shapes for every pattern we ship.

Every regex in the shipped packs (`[[ids]] pattern`, `time.relative_dates`
entries starting with `re:`) and every glossary regex form (`pattern = true`)
is checked twice: statically and by timing (glossary/regexcheck.py, the
checker `glossary check` uses), and through the whole linter on adversarial
drafts built from the pattern's own characters: one character pumped, an
almost-match (a match minus its last character) repeated with and without
separators, after the ID's own label. Each draft is linted at n and 8n
characters (best of 3, so a busy shared machine does not fail the test);
linear growth gives a ratio near 8, quadratic near 64.
"""
from __future__ import annotations

import re
import time
import tomllib
from pathlib import Path

import pytest

from replydesk.linting.context import context_from_mapping
from replydesk.linting import regexcheck
from replydesk.linting.glossary import matcher
from replydesk.linting.loading import build_linter

try:  # Python 3.11+
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

SMALL, LARGE = 2_000, 16_000  # characters
MAX_RATIO = 24.0  # 8x the text: linear ~8, quadratic ~64
NOISE_FLOOR = 0.004  # seconds: below this at 8n the ratio is only noise

LINTER = build_linter()
PACKS = LINTER.resources.packs
IDS = {"order_ids": ["22000009546234"], "claim_ids": ["12346897"], "asins": ["B0C1234XYZ"], "case_ids": ["CASE-7F3KQ-99210"]}


def shipped_patterns() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(where, platform, regex, labels) for every regex in the shipped packs and glossaries."""
    out: dict[str, tuple[str, str, str, tuple[str, ...]]] = {}
    for name, pack in sorted(PACKS.items()):
        for t in (t for t in pack.ids if t.pattern):
            out.setdefault(t.pattern, (f"{name}.ids.{t.name}", name, t.pattern, t.labels))
        for phrase in pack.time.relative_dates:
            if phrase.startswith("re:"):
                out.setdefault(phrase[3:], (f"{name}.time.relative_dates", name, phrase[3:], ()))
    for entry in LINTER.resources.glossary.entries:
        for avoid in entry.avoid:
            if avoid.pattern:
                platform = sorted(entry.platforms)[0] if entry.platforms else "general"
                labels = (avoid.requires,) if avoid.requires else ()
                out.setdefault(avoid.form, (entry.qualified_id, platform, avoid.form, labels))
    return list(out.values())


PATTERNS = shipped_patterns()


def test_the_shipped_data_has_regexes_to_check():
    wheres = " ".join(p[0] for p in PATTERNS)
    assert "ids" in wheres and "relative_dates" in wheres and "off-platform:" in wheres
    assert len(PATTERNS) >= 10


@pytest.mark.parametrize("where, platform, pattern, labels", PATTERNS, ids=[p[0] for p in PATTERNS])
def test_every_shipped_regex_passes_the_backtracking_checks(where, platform, pattern, labels):
    assert regexcheck.problems(pattern) == []
    assert regexcheck.probe(pattern) is None


def test_the_gate_of_every_glossary_regex_lets_its_own_matches_through():
    """The glossary skips a regex form when the text lacks what every match contains
    (phrases.required_alternatives); a gate that is wrong would silently lose findings."""
    compiled = LINTER.resources.glossary._compiled
    compiled.warm()  # the gates are worked out after the first scans, or here
    assert compiled._gates is not None
    checked = led = 0
    for rx, _, any_of, non_ascii, parts, leads, ref in compiled.patterns:
        for pump in (1, 2, 3):
            for context in ("{}", "x {} y", "가{}나", "{} {}", "-{}", "({})"):
                text = context.format(*[sample_match(rx.pattern, pump)] * context.count("{}")).lower()
                if not rx.search(text):
                    continue
                present, starts = compiled._gates.present(text)
                assert not non_ascii or not text.isascii(), (rx.pattern, text)
                assert ref.avoid.lang not in ("ko", "zh") or not text.isascii(), (rx.pattern, "a Korean or Chinese form matched ASCII")
                assert not any_of or not present.isdisjoint(any_of), (rx.pattern, text, sorted(any_of))
                assert all(not present.isdisjoint(part) for part in parts), (rx.pattern, text, parts)
                if leads is not None:
                    # tried only where a leading literal starts, it finds what finditer finds
                    spans = [m.span() for m in matcher._matches_at(rx, text, starts, leads)]
                    assert spans == [m.span() for m in rx.finditer(text)], (rx.pattern, text, leads)
                    led += 1
                checked += 1
    assert checked >= 100
    assert led >= 50  # most forms start with a word list ("we will", "your system"): they are run from its words


def test_regexes_run_from_their_leading_words_find_what_a_full_scan_finds_in_the_corpora():
    """The same on real drafts: every clean and flawed corpus draft, with each form run both ways."""
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    texts = [p.read_text(encoding="utf-8") for p in sorted((corpus / "clean").rglob("*.txt"))]
    texts += [d["text"] for p in sorted((corpus / "flawed").glob("*.toml")) for d in tomllib.loads(p.read_text(encoding="utf-8"))["draft"]]
    compiled = LINTER.resources.glossary._compiled
    compiled.warm()
    compared = 0
    for text in texts:
        low = text.lower()
        _, starts = compiled._gates.present(low)
        for rx, _, _, _, _, leads, _ in compiled.patterns:
            if leads is None:
                continue
            assert [m.span() for m in matcher._matches_at(rx, text, starts, leads)] == [m.span() for m in rx.finditer(text)]
            compared += 1
    assert compared > 10_000


# --- drafts built from a pattern's own characters -------------------------------------------------

def sample_match(pattern: str, pump: int = 1) -> str:
    """A string the pattern matches: first branch, first character of each set, repeats at min(max, pump)."""

    def first_in(items) -> str:
        negate = any(op is C.NEGATE for op, _ in items)
        for op, av in items:
            if op is C.LITERAL and not negate:
                return chr(av)
            if op is C.RANGE and not negate:
                return chr(av[0])
            if op is C.CATEGORY:
                name = str(av)
                if "DIGIT" in name and "NOT" not in name:
                    return "1"
                if "SPACE" in name and "NOT" not in name:
                    return " "
                if "WORD" in name and "NOT" not in name:
                    return "a"
        return "a" if not negate else "~"

    def emit(items) -> str:
        out = []
        for op, av in items:
            if op is C.LITERAL:
                out.append(chr(av))
            elif op is C.NOT_LITERAL:
                out.append("a" if chr(av) != "a" else "b")
            elif op is C.ANY:
                out.append("a")
            elif op is C.IN:
                out.append(first_in(av))
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
                lo, hi, body = av
                count = max(lo, min(hi, pump))
                out.append(emit(body) * count)
            elif op is C.SUBPATTERN:
                out.append(emit(av[-1]))
            elif op is C.BRANCH:
                out.append(emit(av[1][0]))
            elif op is C.ASSERT:
                out.append(emit(av[1]))  # a positive look-around: its text stands there (look-behind) or next
            # AT, ASSERT_NOT: zero width
        return "".join(out)

    return emit(list(P.parse(pattern)))


def adversarial_shapes(pattern: str, labels: tuple[str, ...]) -> dict[str, str]:
    """Units to repeat up to the draft size, each a way to make a backtracking regex work hard."""
    match = sample_match(pattern)
    assert re.search(pattern, match, re.IGNORECASE), (pattern, match)
    near = match[:-1] or match
    long_near = sample_match(pattern, pump=LARGE)[:-1]
    shapes = {}
    for ch in sorted(regexcheck._chars_of_pattern(pattern))[:8]:
        shapes[f"pump {ch!r}"] = ch
    shapes["match"] = match
    shapes["near-match"] = near
    shapes["near-match spaced"] = near + " "
    if len(long_near) > len(match) * 4:
        shapes["one long near-match"] = long_near
    for label in labels[:2]:
        shapes[f"label {label!r} + near-match"] = f"{label} {near} "
        shapes[f"label {label!r} glued"] = f"{label}{near}"
    return shapes


def lint_seconds(text: str, ctx) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        LINTER.lint_text(text, overrides=ctx)
        best = min(best, time.perf_counter() - start)
    return best


def grow(unit: str, size: int) -> str:
    if len(unit) >= size:
        return unit[:size]
    return unit * (size // len(unit))


def assert_linear(unit: str, ctx, label: str, small_size: int = SMALL, large_size: int = LARGE) -> None:
    small = lint_seconds(grow(unit, small_size), ctx)
    large = lint_seconds(grow(unit, large_size), ctx)
    if large < NOISE_FLOOR:
        return
    factor = large_size / small_size
    ratio = large / max(small, 1e-6)
    assert ratio < MAX_RATIO * factor / 8, (
        f"{label}: {small_size:,} chars {small * 1000:.1f} ms, {large_size:,} chars {large * 1000:.1f} ms "
        f"(x{ratio:.1f} for {factor:.0f}x the text: super-linear)"
    )


def _context(platform: str):
    kind = "general"
    return context_from_mapping({"platform": platform, "kind": kind, **IDS})


@pytest.mark.parametrize("where, platform, pattern, labels", PATTERNS, ids=[p[0] for p in PATTERNS])
def test_lint_time_is_linear_on_adversarial_drafts_built_from_each_shipped_regex(where, platform, pattern, labels):
    ctx = _context(platform)
    for name, unit in adversarial_shapes(pattern, labels).items():
        assert_linear(unit, ctx, f"{where} {pattern!r}, {name} {unit[:40]!r}")


# --- shapes aimed at the rules themselves ---------------------------------------------------------

# Drafts an operator could paste by accident: logs, tables, long tokens, one character over and over.
RULE_SHAPES = [
    "a", "1", "1-", "a-", "a1", ":", "1:", "1/", ".", "!", "！", "?!", "\n", "\r\n", " \n", "가", "배송", "가 ",
    "Order: ", "order 1", "order 1-", "주문번호 ", "주문번호 1", "订单号", "ASIN B", "CASE-", "claim A-",
    "14:22 ", "2024-05-", "11/05 ", "KST ", "3 days ", "1 ", "지난 ", "3일 ",
    "HELLO ", "WAIT ", "please ", "sorry ", "we beg ", "delivery ", "invoice no", "배송지연",
    "a@", "a.", "a@gmail.", "@gmail.com ", "http://", "www.", "wa.me/", "+82 ", "010-",
    "\u202e", "😀", "e\u0301",
]
# Found by this test (ATT006 was quadratic on runs of bare hosts; fixed in rules/attachment.py).
CLOUD_HOST_SHAPES = ["pan.baidu.com/", "drive.google.com/", "drive.google.com/ "]


@pytest.mark.parametrize("platform", ["coupang", "amazon", "shopee"])
def test_lint_time_is_linear_on_adversarial_drafts_for_every_rule(platform):
    ctx = _context(platform)
    for unit in RULE_SHAPES:
        assert_linear(unit, ctx, f"{platform} {unit!r}")


@pytest.mark.parametrize("unit", CLOUD_HOST_SHAPES)
def test_lint_time_is_linear_on_repeated_bare_cloud_drive_hosts(unit):
    # 16x the text (linear ~16, quadratic ~256): a clear margin on a noisy machine.
    assert_linear(unit, _context("coupang"), f"coupang {unit!r}", SMALL, 16 * SMALL)


def test_the_gate_reads_the_same_literals_off_tokens_as_a_search_at_every_word_start():
    """Gate literals are read off the draft's tokens (matcher._GateLiterals); the reference is a
    search for each Latin literal at every word start and for each Hangul or Han literal anywhere,
    on the corpora and on awkward words."""
    from replydesk.linting.phrases import trie_pattern

    compiled = LINTER.resources.glossary._compiled
    compiled.warm()
    gates = compiled._gates
    latin = sorted(gates._words | {lit for lit in gates._spanning if lit.isascii()})
    reference = re.compile(r"(?<![a-z0-9])(?=(" + trie_pattern(latin) + "))")
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    texts = [p.read_text(encoding="utf-8") for p in sorted((corpus / "clean").rglob("*.txt"))]
    texts += [d["text"] for p in sorted((corpus / "flawed").glob("*.toml")) for d in tomllib.loads(p.read_text(encoding="utf-8"))["draft"]]
    texts += ["café2 re-ship e-mail x-re-ship 163.com a1b2 ÉTÉ été-we WE'RE", "naïve-we will", "éwe will", "주문번호we will", "_your system", "2024we", "2éwe will", "3ºyour system"]
    others = sorted(lit for lit in (*gates._hangul, *gates._han, *gates._spanning) if not lit.isascii())  # anywhere
    assert len(others) > 100
    texts += ["".join(others), " ".join(others), "ㅠㅠ", "고객님께서는", "要求买家", "主文 要 求"]
    leipzig = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "leipzig" / "sentences"
    for lang in ("en", "ko", "zh", "ja"):  # real text too, when ../shared is there
        if (leipzig / f"{lang}.txt").is_file():
            texts += (leipzig / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    for text in texts:
        low = text.lower()
        expected = {m.group(1) for m in reference.finditer(low)}
        expected |= {lit[:i] for lit in expected for i in range(1, len(lit)) if lit[:i] in gates._words}
        expected |= {lit for lit in others if lit in low}
        found, _ = gates.present(low)
        assert found == expected, (text[:80], sorted(found ^ expected))
