"""The README is part of the interface: it must list every rule as the code defines it."""
from __future__ import annotations

import re

import pytest
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


@pytest.mark.parametrize("name", ["packs", "case-file", "front-matter"])
def test_readme_key_tables_are_generated_from_the_schemas(name):
    """A new pack key or case field is one declaration; this fails until the README is regenerated."""
    from replydesk.linting.docs import table

    start = README.index(f"<!-- {name}: generated -->\n") + len(f"<!-- {name}: generated -->\n")
    assert README[start : README.index(f"<!-- end {name} -->")] == table(name), (
        f"stale: paste the output of `python -m replydesk.linting.docs {name}`"
    )


def test_the_generated_tables_cover_every_key_a_file_may_hold():
    from replydesk.linting.casefile import QueueFields
    from replydesk.linting.context import CaseContext
    from replydesk.linting.docs import table
    from replydesk.linting.packs import Pack
    from replydesk.linting.schema import allowed_keys

    assert allowed_keys(Pack) == {
        "pack", "language", "time", "length", "tone", "similarity", "attachments", "history", "calendar", "metrics", "evidence", "kinds", "ids"
    }
    case_table = table("case-file")
    for key in allowed_keys(QueueFields) | allowed_keys(CaseContext):
        assert f"| `{key}" in case_table, key
    assert "| `[[kinds.<kind>.topics]]` | `notice` |" in table("packs")
    assert "| `[evidence.<evidence>]` | `names` |" in table("packs") and "| `[calendar]` | `country` |" in table("packs")
