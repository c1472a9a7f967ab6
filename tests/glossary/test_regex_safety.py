"""Regexes that backtrack on a hostile draft are refused at load, with file:line (issue 11).

`x(?:a|aa)+y` (which sre parses as `x(?:a(?:|a))+y`, hiding the overlap
from shape rules) and `x\\d*(?:,|)\\d*(?:,|)\\d*z` (an optional item between
repeats) were accepted, then ran for tens of seconds on `x` followed by a
long run of `a` or digits. The timing probe missed them too: it never put
the pattern's literal prefix (`x`) before its test string.
"""
from __future__ import annotations

import re
import time

import pytest

from replydesk.linting import regexcheck
from replydesk.linting.glossary import load_glossary_set
from replydesk.linting.glossary.check import check_files
from replydesk.linting.glossary.loader import glossary_paths
from replydesk.linting.loading import builtin_pack_dir, load_packs
from replydesk.linting.regexcheck import probe, problems
from replydesk.linting.tomldata import DataFileError

from .conftest import PLATFORMS

# Each is refused by the static check and confirmed slow by the timing probe (the texts that
# make them slow are in the probe's report: 'x' + 'a' * n, 'x' + '1' * n, 'x' + 'ab' * n, ...).
HOSTILE = [
    r"x(?:a|aa)+y",  # the exponential form
    r"x\d*(?:,|)\d*(?:,|)\d*z",  # the polynomial form
    r"x(?:a|a?)+y",
    r"(\w+\s?)*$",
    r"order(?:[a-z]+)*!",  # nested quantifiers after a literal prefix
    r"ref:(?:\w+\s?)+;",
    r"x(?:a?b?)+y",  # one turn of the repeat or two: the same moves
    r"id\d+(?:\.|)\d+z",
    r"x[a-z]*(?:-|)[a-z]*y",
]


def glossary_with(glossary_dir, pattern: str):
    form = pattern.replace("'", "\\'")
    return glossary_dir("t.toml", f"""
        [glossary]
        name = "t"
        languages = ["en"]

        [[entry]]
        id = "a"
        en = "x"
        reason = "r"
        avoid = [{{ form = '{form}', pattern = true }}]
        """)


@pytest.mark.parametrize("pattern", HOSTILE)
def test_a_backtracking_regex_is_refused_at_load_with_file_and_line(glossary_dir, pattern):
    folder = glossary_with(glossary_dir, pattern)
    with pytest.raises(DataFileError) as info:
        load_glossary_set((folder,), platforms=PLATFORMS)
    err = info.value
    assert err.path.endswith("t.toml") and err.line == 9, (err.path, err.line)
    assert f"regex '{pattern}'" in err.message and "can backtrack" in err.message, err.message
    assert str(err).startswith(f"{err.path}:9:")


@pytest.mark.parametrize("pattern", HOSTILE)
def test_what_the_static_check_refuses_is_really_slow(pattern):
    # Not a false alarm: run on growing hostile inputs, each form's time grows faster than linearly.
    assert any("can backtrack" in p for p in problems(pattern, re.IGNORECASE)), problems(pattern, re.IGNORECASE)
    found = probe(pattern, flags=re.IGNORECASE)
    assert found is not None and "backtracking" in found


@pytest.mark.parametrize(
    "pattern", [r"x(?:a|aa)+y", r"x\d*(?:,|)\d*(?:,|)\d*z", r"order(?:[a-z]+)*!", r"x(?:a?b?)+y"]
)
def test_the_probe_puts_the_literal_prefix_before_its_test_string(pattern):
    found = probe(pattern)
    assert found is not None and "backtracking" in found, found
    assert "'x" in found or "'order" in found  # the lead-in is named in the report


def test_a_pack_regex_that_backtracks_is_refused_with_file_and_line(tmp_path):
    path = builtin_pack_dir() / "general.toml"
    text = path.read_text(encoding="utf-8")
    safe = '"re:(?<![\\\\d.])\\\\d{1,3}\\\\s*(?:days?|weeks?|hours?)\\\\s+ago"'
    assert safe in text
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "general.toml").write_text(text.replace(safe, '"re:ago\\\\d*(?:,|)\\\\d*(?:,|)\\\\d*z"'), encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_packs((folder,))
    assert info.value.path.endswith("general.toml") and info.value.line
    assert "can backtrack" in info.value.message


def test_safe_shapes_are_not_refused():
    for pattern in (
        r"(?<![\w.%+-])[\w.%+-]+@(?:gmail|qq)\.com(?![\w.-])",
        r"(?i)\bline\s+id\b",
        r"(?<![\w.])(?:\.com|\.net)+",
        r"x(?:ab)+y",
        r"x(?:a|b)*y",
        r"(?<!\d)\d{1,3}(?:\.\d{3})?(?!\d)",
        r"(?<![\w-])(?:we|i)(?:[ \t]+(?:will|shall))?[ \t]+(?:refund|resend)",
        r"(?<![가-힣])잠(?:도|을|이)?[ \t]?(?:제대로[ \t]?)?(?:못[ \t]?자|오지[ \t]?않)",
    ):
        assert problems(pattern, re.IGNORECASE) == [], pattern
        assert probe(pattern, flags=re.IGNORECASE) is None, pattern


class _StallingClock:
    """A `time` module whose wall clock jumps 60 ms at every reading, as on a machine shared by
    six people; CPU clocks are the real ones."""

    def __init__(self):
        self._offset = 0.0

    def perf_counter(self) -> float:
        self._offset += 0.06
        return time.perf_counter() + self._offset

    def __getattr__(self, name):
        return getattr(time, name)


def test_the_probe_is_not_fooled_by_a_busy_machine(monkeypatch):
    monkeypatch.setattr(regexcheck, "time", _StallingClock())
    for pattern in (r"(?i)\bline\s+id\b", r"(?<![\w.%+-])[\w.%+-]+@(?:gmail|qq)\.com(?![\w.-])"):
        assert probe(pattern) is None, pattern


def test_check_reports_a_slow_regex_found_only_by_the_probe(glossary_dir, monkeypatch):
    # If the static check ever lets one through, `glossary check` still names its line.
    folder = glossary_with(glossary_dir, r"x(?:a|aa)+y")
    monkeypatch.setattr("replydesk.linting.glossary.schema.regexcheck.problems", lambda *a, **k: [])
    report = check_files(glossary_paths((folder,)), kinds_by_platform={p: {"general"} for p in PLATFORMS}, rule_codes=set())
    found = [p for p in report.problems if p.check == "regex"]
    assert found and found[0].line == 9 and "backtracking" in found[0].message
