"""The README is part of the interface: it must list every rule as the code defines it."""
from __future__ import annotations

import re
from pathlib import Path

from replydesk.linting.registry import all_rules, rules_markdown

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_two_commands_first():
    first = README.index("make run")
    assert first < README.index("## Install") and README.index("make test") < README.index("## Install")


def test_readme_rule_table_is_the_generated_one():
    """The table is generated from the rule records; regenerate it with `replydesk rules --format markdown`."""
    start = README.index("<!-- rules table:")
    table = README[README.index("\n", start) + 1 : README.index("\n<!-- end of rules table -->")]
    assert table == rules_markdown(), "README rule table is stale: paste `replydesk rules --format markdown`"


def test_readme_rule_table_matches_the_registry():
    rows = dict(re.findall(r"^\| `([A-Z]+\d{3})` \| \w+ \| (\w+) \|", README, re.MULTILINE))
    rules = all_rules()
    assert set(rows) == set(rules)
    assert {code: rules[code].severity.label for code in rules} == rows
