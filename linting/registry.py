"""The rules: one record per code, with its examples, and the checks that report them.

A rule is one record in `linting/rules/<category>.toml` (a `[[rule]]`
table): code, severity, summary, why, references a user can open,
whether it is fixable, and the check that reports it; the category is the
file. The same file holds the rule's fixtures (`[[example]]` tables),
which the test suite runs and `replydesk explain` shows, so what an
operator reads is what the tests prove.

A check is a module of `linting/rules/` with `check(inp)` (and optionally
`check_as_written(inp)`); Python keeps only the checks. Word-list rules
(tone, vague, off-platform, promises, withdrawal) name the `words` check,
which reports every hit of the glossary word lists (`glossaries/*.toml`,
where each list names its code), as Vale's YAML rules `extends:` a type.

Everything here is read lazily from package data, once, and validated
with `path:line` errors (`tomldata.DataFileError`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import import_module
from importlib.resources import files
from types import ModuleType
from typing import Any

from .findings import CATEGORIES
from .positions import TextPositions
from .rules.base import CHECKS, RuleInfo
from .schema import SchemaError, decode, key
from .tomldata import DataFileError, TomlSyntaxError, loads_toml

@dataclass(frozen=True, slots=True)
class RuleExample:
    """A fixture: `text` linted in `context` must flag exactly `flags` (substrings, in order) with this rule.

    An empty `flags` is a negative example: the rule must stay silent.
    `suggestions` and `severities`, when given, pin each finding's;
    `fixed`, the text once every fix of this rule is applied (unsafe ones too).
    """

    rule: str = key(required=True)
    lang: str = key(required=True)
    text: str = key(required=True)
    flags: tuple[str, ...] = key((), required=True)
    context: dict[str, Any] | None = None
    suggestions: tuple[str, ...] | None = None
    severities: tuple[str, ...] | None = None
    fixed: str | None = None


def all_rules() -> dict[str, RuleInfo]:
    """Every rule by code, sorted (a fresh dict: callers may keep it)."""
    return dict(_rules())


def rule_examples() -> tuple[RuleExample, ...]:
    """Every rule's fixtures, in file order (parsed only when asked for: `explain` and the tests)."""
    return _examples()


def checks() -> list[tuple[ModuleType, tuple[str, ...]]]:
    """(check module, the codes it reports) for every check that reports a rule."""
    codes: dict[str, list[str]] = {}
    for info in _rules().values():
        codes.setdefault(info.check, []).append(info.code)
    return [(import_module(f".rules.{name}", __package__), tuple(codes[name])) for name in CHECKS if name in codes]


def reference_path(name: str):
    """The shipped reference page `name` (linting/references/<name>.md), or None."""
    if name not in reference_names():
        return None
    return files("replydesk.linting").joinpath("references", f"{name}.md")


@cache
def reference_names() -> tuple[str, ...]:
    """The names of the shipped reference pages, sorted."""
    pages = files("replydesk.linting").joinpath("references").iterdir()
    return tuple(sorted(p.name[:-3] for p in pages if p.name.endswith(".md")))


def rules_markdown() -> str:
    """The README's rule table, generated from the records (tests/test_readme.py compares them)."""
    lines = ["| code | category | severity | fix | what it catches |", "|---|---|---|---|---|"]
    for r in _rules().values():
        summary = r.summary.replace("|", "\\|")
        lines.append(f"| `{r.code}` | {r.category} | {r.severity.label} | {'safe' if r.fixable else ''} | {summary} |")
    return "\n".join(lines)


def _files():
    """(category, path as errors show it, text) of every rule file."""
    folder = files("replydesk.linting.rules")
    for category in CATEGORIES:
        text = folder.joinpath(f"{category}.toml").read_text(encoding="utf-8")
        yield category, f"linting/rules/{category}.toml", text


# In every file the records come first, then the fixtures: each lint parses only
# the records (about 3 ms for all files); `explain` and the tests parse the
# fixtures too (about 20 ms more).
_FIRST_EXAMPLE = re.compile(r"^\[\[example\]\]", re.MULTILINE)


@cache
def _rules() -> dict[str, RuleInfo]:
    rules: dict[str, RuleInfo] = {}
    for category, path, text in _files():
        first = _FIRST_EXAMPLE.search(text)
        data, error = _parse(path, text if first is None else text[: first.start()])
        unknown = sorted(set(data) - {"rule"})
        if unknown:
            raise error((unknown[0],), f"unknown table {unknown[0]!r} (expected [[rule]] records, then [[example]]s)")
        if not data.get("rule"):
            raise error((), "no [[rule]] records")
        for i, table in enumerate(data["rule"]):
            info = _rule(table, category, ("rule", i), error)
            if info.code in rules:
                raise error(("rule", i, "code"), f"duplicate rule code {info.code}")
            rules[info.code] = info
    return dict(sorted(rules.items()))


@cache
def _examples() -> tuple[RuleExample, ...]:
    examples: list[RuleExample] = []
    for category, path, text in _files():
        data, error = _parse(path, text)
        own = {code for code, info in _rules().items() if info.category == category}
        if len(data.get("rule", ())) != len(own):
            raise error(("rule", len(own)), "a [[rule]] record after the first [[example]]: records come first")
        examples.extend(_example(table, own, ("example", i), error) for i, table in enumerate(data.get("example", ())))
    return tuple(examples)


def _parse(path: str, text: str):
    """The TOML data, and an error maker that places a key path at its line."""
    try:
        data = loads_toml(text)
    except TomlSyntaxError as exc:
        raise DataFileError(path, exc.line, exc.message, exc.column) from None
    where = TextPositions(text)

    def error(keys: tuple, message: str) -> DataFileError:
        return DataFileError(path, where.locate(keys)[0], message)

    return data, error


def _rule(table: dict, category: str, at: tuple, error) -> RuleInfo:
    try:
        info = decode(RuleInfo, table, at)
    except SchemaError as exc:
        raise error(exc.keys, exc.message) from None
    return replace(info, category=category)


def _example(table: dict, own: set[str], at: tuple, error) -> RuleExample:
    try:
        example = decode(RuleExample, table, at)
    except SchemaError as exc:
        raise error(exc.keys, exc.message) from None
    if example.rule not in own:
        raise error(at + ("rule",), f"example of {example.rule!r}, which is not a rule of this file ({', '.join(sorted(own))})")
    return example
