"""The one schema layer: a dataclass says the keys, types and defaults; decode checks and builds, naming the key path."""
from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from replydesk.linting.packs import Pack, pack_from_mapping
from replydesk.linting.schema import SchemaError, allowed_keys, decode, key, positive, reference


@dataclass(frozen=True)
class Inner:
    size: int = key(0, check=positive, aliases=("bytes",), doc="how big")
    name: str = key(required=True)

    def __post_decode__(self):
        if self.name == "bad":
            raise SchemaError(("name",), "no bad names")


@dataclass(frozen=True)
class Outer:
    title: str = ""
    ratio: float = 1.0
    flag: bool = False
    words: tuple[str, ...] = ()
    one_or_many: str | tuple[str, ...] = key((), convert=lambda v: (v,) if isinstance(v, str) else v)
    inner: Inner | None = None
    items: tuple[Inner, ...] = ()
    named: dict[str, Inner] = key(default_factory=dict)


def fails(value, **kw) -> SchemaError:
    with pytest.raises(SchemaError) as info:
        decode(Outer, value, **kw)
    return info.value


def test_defaults_come_from_the_dataclass_and_types_are_checked():
    assert decode(Outer, {}) == Outer()
    got = decode(Outer, {"title": "t", "ratio": 2, "flag": True, "words": ["a"], "one_or_many": "x"})
    assert (got.title, got.ratio, type(got.ratio), got.flag, got.words, got.one_or_many) == ("t", 2.0, float, True, ("a",), ("x",))
    assert fails({"ratio": True}).message == "'ratio' must be a number, not a boolean"
    assert fails({"flag": "yes"}).message == "'flag' must be true or false, got string"
    err = fails({"words": ["a", 3]})
    assert (err.keys, err.message) == (("words", 1), "'words' item 2 must be a string, got int")


def test_unknown_keys_are_errors_with_a_suggestion_unless_allowed():
    err = fails({"titel": "x"})
    assert err.keys == ("titel",) and "did you mean 'title'?" in err.message and "allowed here:" in err.message
    assert decode(Outer, {"titel": "x"}, allow_extra=True) == Outer()
    assert decode(Outer, {"notes": 1}, allow_extra=frozenset({"notes"})) == Outer()
    assert allowed_keys(Inner) == {"size", "bytes", "name"}


def test_nested_tables_report_their_full_key_path():
    assert fails({"inner": {"size": 1}}).message == "missing required key 'name'"
    err = fails({"items": [{"name": "a"}, {"name": "b", "size": -1}]})
    assert (err.keys, err.message) == (("items", 1, "size"), "'size' must be positive")
    err = fails({"named": {"x": {"name": "bad"}}})
    assert (err.keys, err.message) == (("named", "x", "name"), "no bad names")
    assert decode(Outer, {"inner": {"name": "n", "bytes": 5}}).inner == Inner(size=5, name="n")
    assert fails({"named": {"x": "y"}}).message.endswith("must be a table, got string")


def test_reference_lists_every_key_with_its_table_default_and_meaning():
    rows = {(table, name): (type_, default, doc) for table, name, type_, default, doc in reference(Outer)}
    assert rows[("inner = {…}", "size / bytes")] == ("integer", "0", "how big")
    assert rows[("inner = {…}", "name")][1] == "required" and rows[("", "ratio")] == ("number", "1", "")
    assert ("[[items]]", "name") in rows and ("[named.<named>]", "size / bytes") in rows


def test_a_pack_is_its_schema_and_a_kind_inherits_the_length_limits():
    pack = pack_from_mapping("p", {"language": {"allowed": ["en"]}, "length": {"max_chars": 300},
                                    "kinds": {"chargeback": {"title": "CB", "min_chars": 5}}})
    assert pack.kind("chargeback").max_chars == 300 and pack.kind("chargeback").min_chars == 5
    assert pack.kind("general").max_chars == 300  # the kind every pack has
    assert pack.title == "p" and pack.short == "P" and pack.id_prefix == "P"
    with pytest.raises(SchemaError) as info:
        pack_from_mapping("p", {"language": {"allowed": ["en"]}, "kinds": {"x": {"window": {"hours": 2, "days": 1}}}})
    assert info.value.keys == ("kinds", "x", "window") and "one of hours, days or business_days" in info.value.message
    with pytest.raises(SchemaError) as info:
        pack_from_mapping("p", {})
    assert info.value.keys == ("language", "allowed")
