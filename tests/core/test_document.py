"""Front matter and positions: findings must point at the file's own lines and columns."""
from __future__ import annotations

import pytest

from replydesk.linting.document import DraftError, LineIndex, parse_draft


def test_without_front_matter_the_whole_file_is_the_body():
    d = parse_draft("Hello\nworld\n")
    assert d.body_start == 0 and d.front_matter == {}


def test_front_matter_is_parsed_and_excluded_from_the_body():
    text = '+++\nplatform = "coupang"\norder_ids = ["1"]\n+++\nBody line\n'
    d = parse_draft(text)
    assert d.front_matter == {"platform": "coupang", "order_ids": ["1"]}
    assert d.body == "Body line\n"
    assert d.position(d.body_start, d.body_start + 4).line == 5


def test_front_matter_with_crlf_and_bom():
    d = parse_draft('\ufeff+++\r\nplatform = "amazon"\r\n+++\r\nHi\r\n')
    assert d.front_matter["platform"] == "amazon" and d.body == "Hi\r\n"


def test_toml_error_reports_the_file_line():
    with pytest.raises(DraftError) as exc:
        parse_draft('+++\nplatform = "coupang"\nkind = \n+++\nx')
    assert exc.value.line == 3


def test_unclosed_front_matter_is_an_error_on_line_1():
    with pytest.raises(DraftError) as exc:
        parse_draft("+++\nplatform = 'x'\nbody")
    assert exc.value.line == 1 and "never closed" in exc.value.message


def test_plus_signs_later_in_the_file_are_body_text():
    d = parse_draft("Body first\n+++\nnot front matter\n")
    assert d.body_start == 0


def test_line_index_columns_count_characters_not_bytes():
    idx = LineIndex("한국어 text\n둘째 줄")
    assert idx.line_col(4) == (1, 5)
    assert idx.line_col(9) == (2, 1)
    assert idx.position(9, 11).end_column == 3
    assert idx.offset(2, 1) == 9


def test_nul_bytes_are_refused():
    with pytest.raises(DraftError):
        parse_draft("abc\x00def")
