"""`glossary check` grows linearly with the number of entries, and reports what a brute force finds (issue 11).

It was quadratic (5k entries 6.8 s, 20k 85 s, 100k past ten minutes): every
finding's file:line scanned every table header of the file, and every scan
compared the draft's tokens with every token remembered from earlier scans.
`make bench` (benchmarks/glossary_bench.py) measures 5k to 100k entries.
"""
from __future__ import annotations

import time
from itertools import combinations

from replydesk.linting.glossary.check import check_files
from replydesk.linting.glossary.loader import glossary_paths
from replydesk.linting.positions import TextPositions
from replydesk.linting.glossary.scripts import normalize_form

KINDS = {"coupang": {"general", "return-dispute"}}
CONSONANTS, VOWELS = "bcdfghjklmnprstvz", "aeiou"
SYLLABLES = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후"


def word(n: int) -> str:
    n = (n * 2_654_435_761) % 4_294_967_296
    out = []
    for _ in range(4):
        n, r = divmod(n, 85)
        out.append(CONSONANTS[r % 17] + VOWELS[r // 17])
    return "".join(out)


def korean(n: int) -> str:
    n = (n * 2_654_435_761) % 4_294_967_296
    out = []
    for _ in range(4):
        n, r = divmod(n, len(SYLLABLES))
        out.append(SYLLABLES[r])
    return "".join(out)


def write(folder, size: int, planted_every: int = 0) -> None:
    """`size` entries of distinct pseudo-words; every other entry untested (a warning each, located in the file);
    with `planted_every`, duplicates, conflicts and scoped look-alikes that must not be reported."""
    lines = ['[glossary]\nname = "scale"\nlanguages = ["ko", "en"]\nplatforms = ["coupang"]\nnear_miss = false\n']
    for i in range(size):
        pen, avoid, pko, ako = f"{word(4 * i)} {word(4 * i + 1)}", f"{word(4 * i + 2)} {word(4 * i + 3)}", korean(2 * i), korean(2 * i + 1)
        extra = ""
        if planted_every and i > 3:
            step = i % planted_every
            if step == 0:
                avoid = f"{word(4 * (i - 1) + 2)} {word(4 * (i - 1) + 3)}".upper()  # duplicate (case differs)
            elif step == 1:
                pen = f"{word(4 * (i - 3) + 2)} {word(4 * (i - 3) + 3)}"  # preferred here, flagged there: conflict
            elif step == 2:
                pko = korean(2 * (i - 2))  # same preferred Korean term as two entries back: duplicate
            elif step == 3:
                avoid = f"{word(4 * (i - 2) + 2)} {word(4 * (i - 2) + 3)}"  # same form, disjoint kinds: no finding
                extra = '[entry.scope]\nkinds = ["return-dispute"]\n'
            elif step == 4:
                extra = '[entry.scope]\nkinds = ["general"]\n'
        lines.append(f'[[entry]]\nid = "c{i}"\nen = "{pen}"\nko = "{pko}"\nreason = "r"\navoid = ["{avoid}", "{ako}"]\n')
        if i % 2 == 0:
            lines.append(f'must_flag = [{{ text = "We saw the [{avoid}] again.", suggestion = "{pen}" }}]\n'
                         f'must_pass = ["We saw the {pen} again."]\n')
        lines.append(extra)
    (folder / "scale.toml").write_text("\n".join(lines), encoding="utf-8")


def cpu_seconds(folder, runs: int = 2) -> float:
    """Best CPU time of the check (CPU, not wall: other people's processes on a shared machine do not count)."""
    best = float("inf")
    for _ in range(runs):
        start = time.thread_time()
        check_files(glossary_paths((folder,)), kinds_by_platform=KINDS, rule_codes=set())
        best = min(best, time.thread_time() - start)
    return best


def test_check_time_grows_linearly_with_entries(tmp_path):
    small, large = tmp_path / "small", tmp_path / "large"
    for folder, size in ((small, 600), (large, 4_800)):
        folder.mkdir()
        write(folder, size)
    cpu_seconds(small, 1)  # warm imports and the dictionaries
    ratio = cpu_seconds(large) / cpu_seconds(small)
    # 8x the entries: linear ~8, quadratic ~64
    assert ratio < 16, f"glossary check: 8x the entries cost {ratio:.1f}x the time (super-linear)"


def brute_force(folder) -> set[tuple]:
    """Duplicates and conflicts by comparing every pair of entries: (check, entry, line)."""
    text = (folder / "scale.toml").read_text(encoding="utf-8")
    positions = TextPositions(text)
    entries = []
    for i, block in enumerate(text.split("[[entry]]")[1:]):
        fields = dict(line.split(" = ", 1) for line in block.splitlines() if " = " in line and not line.startswith("must"))
        avoid = [a.strip(' "') for a in fields["avoid"].strip("[]").split(",")]
        kinds = fields.get("kinds")
        entries.append((i, fields["en"].strip('"'), fields["ko"].strip('"'), avoid, kinds))
    norm = [(i, normalize_form(en), normalize_form(ko), [normalize_form(a) for a in avoid], kinds)
            for i, en, ko, avoid, kinds in entries]
    found = set()
    for (i, en_a, ko_a, avoid_a, kinds_a), (j, en_b, ko_b, avoid_b, kinds_b) in combinations(norm, 2):
        if kinds_a and kinds_b and kinds_a != kinds_b:
            continue  # scopes do not overlap
        for n, form in enumerate(avoid_b):
            if form in avoid_a:
                found.add(("duplicate", f"scale:c{j}", positions.locate(("entry", j, "avoid", n))[0]))
        for lang, a, b in (("en", en_a, en_b), ("ko", ko_a, ko_b)):
            if a == b:
                found.add(("duplicate", f"scale:c{j}", positions.locate(("entry", j, lang))[0]))
        for pi, pref, flagged_by in ((i, en_a, avoid_b), (j, en_b, avoid_a)):
            if any(f in pref for f in flagged_by):
                found.add(("conflict", f"scale:c{pi}", positions.locate(("entry", pi, "en"))[0]))
    return found


def test_check_reports_the_duplicates_and_conflicts_a_pairwise_brute_force_finds(tmp_path):
    write(tmp_path, 2_000, planted_every=50)
    report = check_files(glossary_paths((tmp_path,)), kinds_by_platform=KINDS, rule_codes=set())
    got = {(p.check, p.entry, p.line) for p in report.problems if p.check in ("duplicate", "conflict")}
    expected = brute_force(tmp_path)
    assert len(expected) >= 100  # the planted ones: 40 each of three kinds
    assert got == expected
    text = (tmp_path / "scale.toml").read_text(encoding="utf-8").splitlines()
    for p in report.problems:  # and each line is the line of the named entry's form
        if p.check not in ("duplicate", "conflict"):
            continue
        assert p.line is not None and text[p.line - 1].startswith(("en =", "ko =", "avoid =", "[[entry]]", "id =")), p
