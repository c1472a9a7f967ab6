"""The rule families and the codes they report, in one table."""
from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from types import ModuleType

from .rules.base import RuleInfo

FAMILY_MODULES = (
    "keyword",
    "language",
    "tone",
    "length",
    "term",
    "ids",
    "time",
    "attachment",
    "template",
    "policy",
)


def families() -> list[ModuleType]:
    return [import_module(f".rules.{name}", __package__) for name in FAMILY_MODULES]


def all_rules() -> dict[str, RuleInfo]:
    rules: dict[str, RuleInfo] = {}
    for module in families():
        for info in module.RULES:
            if info.code in rules:
                raise RuntimeError(f"duplicate rule code {info.code}")
            rules[info.code] = info
    return dict(sorted(rules.items()))


@lru_cache(maxsize=1)
def rule_examples() -> tuple[dict, ...]:
    """The rules' fixtures (rules/examples.toml): what each rule flags, exactly, and what it leaves alone.

    The test suite runs every one of them, and `replydesk explain` shows
    them, so what an operator reads is what the tests prove.
    """
    from importlib.resources import files

    from .tomldata import loads_toml

    text = files("replydesk.linting.rules").joinpath("examples.toml").read_text(encoding="utf-8")
    return tuple(loads_toml(text)["example"])
