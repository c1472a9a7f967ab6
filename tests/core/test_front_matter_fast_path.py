"""The front-matter fast path (tomldata.loads_simple_toml) must agree with tomllib.

It either returns exactly what tomllib returns or None (and then tomllib
parses, or reports the error): generated documents mix lines it reads with
lines it must hand over (escapes, comments after values, dates, tables,
duplicate keys, bad integers, CR/LF variants, control characters).
"""
from __future__ import annotations

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replydesk.linting.document import parse_draft
from replydesk.linting.tomldata import loads_simple_toml

KEYS = st.sampled_from(["platform", "kind", "order_ids", "a", "a-b", "x_1", "1", "키", '"q"', "a.b"])
TEXT = st.text(alphabet=st.sampled_from(list("ab 한中\t\\\"'#,[]=\r\x01\x7f")), max_size=8)
VALUES = st.one_of(
    TEXT.map(lambda t: f'"{t}"'),
    TEXT.map(lambda t: f"'{t}'"),
    st.lists(TEXT.map(lambda t: f'"{t}"'), max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.lists(TEXT.map(lambda t: f'"{t}"'), max_size=3).map(lambda xs: "[" + ",".join(xs) + ",]"),
    st.sampled_from(["0", "-0", "12", "-7", "01", "+1", "1_000", "true", "false", "True", "1.5",
                     "2024-05-12T14:22:00+09:00", "[1, 2]", "[\n]", "{ a = 1 }", '"x" # note', "[]"]),
)
LINES = st.one_of(
    st.tuples(KEYS, st.sampled_from([" = ", "=", " \t= ", " =\t"]), VALUES, st.sampled_from(["", " ", "\r", "\t"]))
    .map(lambda parts: "".join(parts)),
    st.sampled_from(["", "   ", "# comment", "  # 한국어 주석", "[table]", "\r", "#\x01"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=6))
def test_fast_path_agrees_with_tomllib(lines):
    text = "\n".join(lines)
    fast = loads_simple_toml(text)
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        assert fast is None, "a document tomllib rejects must go to tomllib for its error"
        return
    assert fast is None or fast == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ('platform = "coupang"\nkind = "return-dispute"\norder_ids = ["22000011223344", "2"]\n',
         {"platform": "coupang", "kind": "return-dispute", "order_ids": ["22000011223344", "2"]}),
        ("a = 1\r\nb = true\r\n\r\n# c\r\n", {"a": 1, "b": True}),
        ("s = '중국어 C:\\path'\nempty = []\n", {"s": "중국어 C:\\path", "empty": []}),
    ],
)
def test_fast_path_reads_the_usual_front_matter(text, expected):
    assert loads_simple_toml(text) == expected


@pytest.mark.parametrize(
    "text",
    ['a = "x\\ty"', 'a = "x" # why', "a = 1\na = 2", "received_at = 2024-05-12T14:22:00+09:00", "[case]\na = 1",
     "n = 1_000", 'ids = [\n  "1",\n]'],
)
def test_fast_path_hands_everything_else_to_tomllib(text):
    assert loads_simple_toml(text) is None


def test_duplicate_key_in_front_matter_is_still_an_error_with_its_line():
    with pytest.raises(Exception) as err:
        parse_draft('+++\nplatform = "coupang"\nplatform = "amazon"\n+++\nHello\n')
    assert getattr(err.value, "line", None) == 3
