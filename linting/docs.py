"""The README's generated tables, from the schemas and records that define them.

    python -m replydesk.linting.docs packs|case-file|front-matter|rules

Each prints one Markdown table; `tests/test_readme.py` fails when the README's
copy (between `<!-- NAME: generated -->` and `<!-- end NAME -->`) differs, so
a new pack key, case field or rule is documented where it is declared.
"""
from __future__ import annotations

import sys

from .schema import reference, reference_markdown

TABLES = ("packs", "case-file", "front-matter", "rules")


def _key_rows(rows, required: frozenset[str] = frozenset()) -> str:
    """Rows of a JSON/front-matter schema: nested tables become `attachments[].name`."""
    lines = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for table, name, type_text, default, doc in rows:
        if table.startswith("[["):
            name = f"{table.strip('[]')}[].{name}"
        if name in required:
            default = "required"
        default = f"`{default}`" if default and default != "required" else default
        lines.append(f"| `{name}` | {type_text} | {default} | {doc.replace('|', chr(92) + '|')} |")
    return "\n".join(lines) + "\n"


def table(name: str) -> str:
    if name == "packs":
        from .packs import Pack

        return reference_markdown(Pack)
    if name == "case-file":
        from .casefile import REQUIRED_KEYS, QueueFields
        from .context import CaseContext

        own = reference(QueueFields)
        names = {row[1] for row in own}
        linter = [row for row in reference(CaseContext) if row[1] not in names]
        return _key_rows(own + linter, required=frozenset(REQUIRED_KEYS))
    if name == "front-matter":
        from .context import CaseContext

        return _key_rows(reference(CaseContext))
    if name == "rules":
        from .registry import rules_markdown

        return rules_markdown() + "\n"
    raise ValueError(f"unknown table {name!r} (known: {', '.join(TABLES)})")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in TABLES:
        print(f"usage: python -m replydesk.linting.docs {'|'.join(TABLES)}", file=sys.stderr)
        return 2
    print(table(argv[0]), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
