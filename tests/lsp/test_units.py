"""The language server's pure parts: positions in each encoding, front-matter edits, options, kinds."""
from __future__ import annotations

from pathlib import PurePath

import pytest

from replydesk.linting.config import CONFIG_NAME
from replydesk.linting.document import parse_draft
from replydesk.linting.frontmatter import FrontMatterError, add_ignore
from replydesk.linting.lsp import analysis
from replydesk.linting.lsp.encoding import LineMap

TEXT = "첫 줄\n😀 emoji then 송장번호\r\nlast"


@pytest.mark.parametrize("encoding, column", [("utf-16", 2 + len(" emoji then ")), ("utf-8", 4 + len(" emoji then ")), ("utf-32", 1 + len(" emoji then "))])
def test_positions_round_trip_in_every_encoding(encoding, column):
    lines = LineMap(TEXT, encoding)
    at = TEXT.index("송장번호")
    assert lines.position(at) == (1, column)
    assert lines.offset(1, column) == at
    for offset in range(len(TEXT) + 1):
        line, col = lines.position(offset)
        if TEXT[offset - 1:offset] != "\r" or offset == 0:
            assert lines.offset(line, col) == offset


def test_positions_past_the_end_are_clamped():
    lines = LineMap(TEXT)
    assert lines.offset(99, 0) == len(TEXT)
    assert lines.offset(0, 99) == TEXT.index("\n")
    assert lines.position(10_000) == lines.position(len(TEXT))


def apply(text, edit):
    return text if edit is None else text[:edit.start] + edit.replacement + text[edit.end:]


def test_add_ignore_to_a_draft_without_front_matter_keeps_the_reply():
    body = "Order 22000009546234 was delivered.\n"
    out = apply(body, add_ignore(body, "TIME004"))
    assert out == '+++\nignore = ["TIME004"]\n+++\n' + body
    assert parse_draft(out).body == body


def test_add_ignore_keeps_comments_line_endings_and_bom():
    text = '\ufeff+++\r\n# case 7\r\nplatform = "coupang"  # ours\r\nignore = "TONE004"\r\n+++\r\n본문입니다.\r\n'
    out = apply(text, add_ignore(text, "TERM001", quote="송장 번호"))
    assert out.startswith('\ufeff+++\r\n# case 7\r\nplatform = "coupang"  # ours\r\n')
    assert 'ignore = ["TONE004", {rule = "TERM001", text = "송장 번호"}]\r\n+++\r\n본문입니다.\r\n' in out
    draft = parse_draft(out)
    assert draft.front_matter["ignore"][1] == {"rule": "TERM001", "text": "송장 번호"}
    assert add_ignore(out, "TERM001", quote="송장 번호") is None  # already there
    assert add_ignore(out, "TONE004") is None


def test_add_ignore_refuses_front_matter_that_does_not_parse():
    with pytest.raises(FrontMatterError):
        add_ignore('+++\nplatform = \n+++\nx\n', "TONE004")
    with pytest.raises(FrontMatterError):
        add_ignore('+++\nplatform = "a"\nx\n', "TONE004")


def test_options_ignore_wrong_values():
    from replydesk.linting.lsp.server import Options

    o = Options.read({"drafts": "*.reply", "debounceMs": 30, "unsafeFixes": True, "ruleDocs": "https://wiki/{code}"})
    assert (o.drafts, o.debounce, o.unsafe_fixes, o.rule_docs) == (("*.reply",), 0.03, True, "https://wiki/{code}")
    o = Options.read({"drafts": [3], "debounceMs": "soon", "unsafeFixes": "yes", "ruleDocs": "https://wiki/"})
    assert (o.drafts, o.debounce, o.unsafe_fixes, o.rule_docs) == (("*.txt", "*.draft"), 0.15, False, None)
    assert Options.read({"replydesk": {"debounceMs": 0}}).debounce == 0
    assert Options.read(None).drafts == ("*.txt", "*.draft")


def test_file_kinds():
    globs = analysis.DEFAULT_DRAFT_GLOBS
    assert analysis.CONFIG_NAME == CONFIG_NAME
    assert analysis.kind_of(PurePath("/q/drafts/CP-1.txt"), "", globs) == "draft"
    assert analysis.kind_of(PurePath("/r/replydesk.toml"), "", globs) == "config"
    assert analysis.kind_of(PurePath("/g/terms.toml"), "# x\n[glossary]\nname='a'\n", globs) == "glossary"
    assert analysis.kind_of(PurePath("/g/pyproject.toml"), "[project]\n", globs) == "other"
    assert analysis.kind_of(PurePath("/n/notes.md"), "", globs) == "other"
    assert analysis.kind_of(PurePath("/n/notes.md"), "", ("*.md",)) == "draft"


def test_add_ignore_to_an_array_of_tables_and_refusing_other_shapes():
    text = '+++\n[[ignore]]\nrule = "TONE001"\n+++\nbody\n'
    out = apply(text, add_ignore(text, "TERM002", quote="x y"))
    assert parse_draft(out).front_matter["ignore"] == [{"rule": "TONE001"}, {"rule": "TERM002", "text": "x y"}]
    assert add_ignore(out, "TERM002", quote="x y") is None
    for bad in ('+++\nignore = { rule = "TONE001" }\n+++\nb\n', '+++\nignore = 5\n+++\nb\n'):
        with pytest.raises(FrontMatterError, match="not a list of rules"):
            add_ignore(bad, "TERM002")
