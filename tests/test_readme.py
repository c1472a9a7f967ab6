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


def test_readme_pack_key_table_is_generated_from_the_pack_schema():
    """Adding a pack key is one field in linting/packs/__init__.py; this fails until the README is regenerated."""
    from replydesk.linting.packs import Pack
    from replydesk.linting.schema import allowed_keys, reference_markdown

    start = README.index("<!-- pack keys: generated -->\n") + len("<!-- pack keys: generated -->\n")
    table = README[start : README.index("<!-- end pack keys -->")]
    assert table == reference_markdown(Pack), "stale: run `python -m replydesk.linting.packs` and paste its output"
    assert f"| `[pack]` | `title` |" in table and "`[[kinds.<kind>.topics]]` | `notice`" in table
    assert allowed_keys(Pack) == {"pack", "language", "time", "length", "tone", "similarity", "attachments", "history", "kinds", "ids"}
