"""One decoder for every data file: the typed dataclasses say which keys exist, their types and defaults.

Packs, the configuration and case context used to have a hand-written
validator each, each with its own list of allowed keys and its own copy
of every default; they drifted apart. Here a dataclass is the schema:

- its fields are the keys a table may hold (`key(toml_name=...)` renames one),
  their annotations the types, their defaults the defaults;
- `decode(cls, value, path)` checks a parsed TOML/JSON value against it and
  builds the object, or raises `SchemaError(path, message)`; the caller
  (which knows the file) turns the key path into `file:line` with
  `positions.TextPositions`, so there is one locator and one error type
  (`DataFileError`) for every data file;
- per-field rules that are not types (positive numbers, lower-casing,
  regexes that must compile) are the field's `check` / `convert`, and rules
  between fields the class's `__post_decode__`.

Supported annotations: `str`, `int`, `float` (an integer is accepted),
`bool`, `X | None`, `tuple[X, ...]`, `frozenset[str]`, `dict[str, X]`, and
nested dataclasses (a table; in a tuple, an array of tables). Pure: no I/O.
"""
from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from functools import lru_cache
from typing import Any, Callable

MISSING = dataclasses.MISSING


class SchemaError(ValueError):
    """A value that does not fit its schema; `keys` is the path to it, for `file:line`."""

    def __init__(self, keys: tuple, message: str):
        super().__init__(message)
        self.keys = tuple(keys)
        self.message = message


def key(
    default: Any = MISSING,
    *,
    default_factory: Callable[[], Any] | Any = MISSING,
    name: str | None = None,
    check: Callable[[Any], str | None] | None = None,
    convert: Callable[[Any], Any] | None = None,
    required: bool = False,
    doc: str = "",
    derived: bool = False,
    accepts: Any = None,
    aliases: tuple[str, ...] = (),
):
    """A dataclass field with its data-file rules.

    `name`: the key in the file when it differs from the attribute;
    `check(value)` returns a message when the (typed) value is wrong (or raises
SchemaError with the key path of the wrong item inside it);
    `convert(value)` normalises it (after the check); `required`: no default
    applies, the file must say it; `derived`: not a key of the file at all
    (set by `__post_decode__` or by the dict key that holds the table);
    `accepts`: the type the file may write when it is looser than the
    attribute's (an ID list may be one string; `convert` makes it a tuple);
    `aliases`: other names the key may have (`size` for `bytes`).
    """
    metadata = {"name": name, "check": check, "convert": convert, "required": required, "doc": doc,
                "derived": derived, "accepts": accepts, "aliases": tuple(aliases)}
    if default_factory is not MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    if required and default is MISSING:
        default = None  # a file must give it; code may still build the object field by field
    return dataclasses.field(default=default, metadata=metadata)


@dataclasses.dataclass(frozen=True)
class _Field:
    attr: str
    name: str
    type: Any
    default: Any
    check: Callable | None
    convert: Callable | None
    required: bool
    derived: bool
    aliases: tuple[str, ...]
    doc: str
    shown: Any  # the attribute's own annotation: what the documentation calls its type


@lru_cache(maxsize=None)
def _fields(cls) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        meta = f.metadata
        if meta.get("required"):
            default = MISSING
        elif f.default is not MISSING:
            default = f.default
        elif f.default_factory is not MISSING:
            default = f.default_factory
        else:
            default = MISSING
        out.append(
            _Field(
                attr=f.name,
                name=meta.get("name") or f.name,
                type=meta.get("accepts") or hints[f.name],
                default=default,
                check=meta.get("check"),
                convert=meta.get("convert"),
                required=bool(meta.get("required")) or (default is MISSING and not meta.get("derived")),
                derived=bool(meta.get("derived")),
                aliases=meta.get("aliases") or (),
                doc=meta.get("doc") or "",
                shown=hints[f.name],
            )
        )
    return tuple(out)


def _nullable(tp) -> bool:
    """Whether an attribute's annotation admits None (`X | None`, `Any`)."""
    if tp is Any or tp is type(None):
        return True
    return typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in typing.get_args(tp)


def allowed_keys(cls) -> frozenset[str]:
    """The keys a table of this schema may hold."""
    return frozenset(name for f in _fields(cls) if not f.derived for name in (f.name, *f.aliases))


def _describe(tp) -> str:
    origin = typing.get_origin(tp)
    if tp is str:
        return "a string"
    if tp is bool:
        return "true or false"
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if origin in (tuple, frozenset, list):
        return "a list"
    if origin is dict or dataclasses.is_dataclass(tp):
        return "a table"
    if origin in (typing.Union, types.UnionType):
        names = list(dict.fromkeys(_describe(a) for a in typing.get_args(tp) if a is not type(None)))
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return getattr(tp, "__name__", str(tp))


def _shape(tp) -> str:
    origin = typing.get_origin(tp)
    if origin is dict or dataclasses.is_dataclass(tp):
        return "table"
    if origin in (tuple, frozenset, list):
        return "list"
    return "scalar"


def _shape_of(value) -> str:
    return "table" if isinstance(value, dict) else "list" if isinstance(value, list) else "scalar"


def _type_name(value) -> str:
    return {"dict": "table", "list": "list", "str": "string", "bool": "boolean"}.get(type(value).__name__, type(value).__name__)


def _label(keys: tuple) -> str:
    """How a message names the value at a key path: "'max_chars'", "'labels' item 2".

    Worked out only when there is an error to report: front matter is
    decoded for every draft, and most drafts have none.
    """
    items = []
    for part in reversed(keys):
        if isinstance(part, int):
            items.append(part)
            continue
        text = f"'{part}'"
        for index in reversed(items):
            text += f" item {index + 1}"
        return text
    return "this value"


def _fail(keys: tuple, tp, value):
    raise SchemaError(keys, f"{_label(keys)} must be {_describe(tp)}, got {_type_name(value)}")


@lru_cache(maxsize=None)
def _decoder(tp) -> Callable[[Any, tuple], Any]:
    """A function decoding values of one annotation, built once per annotation.

    Front matter is decoded for every draft a batch lints, so the type is
    inspected here once, not per value.
    """
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = tuple(a for a in typing.get_args(tp) if a is not type(None))
        if len(args) == 1:
            inner = _decoder(args[0])
            return lambda value, keys: None if value is None else inner(value, keys)
        parts = tuple((_shape(a), _decoder(a)) for a in args)
        by_shape = {}
        for shape, fn in parts:
            by_shape.setdefault(shape, []).append(fn)

        def union(value, keys):
            if value is None:
                return None
            shape = _shape_of(value)
            # A table or a list goes to the one alternative of that shape, so its own errors are reported.
            same = by_shape.get(shape, ())
            if shape != "scalar" and len(same) == 1:
                return same[0](value, keys)
            for _shape_, fn in parts:  # int | float and the like: the first that fits
                try:
                    return fn(value, keys)
                except SchemaError:
                    continue
            _fail(keys, tp, value)

        return union
    if tp is bool:
        def boolean(value, keys):
            if value is True or value is False:
                return value
            _fail(keys, tp, value)
        return boolean
    if tp is int or tp is float:
        accepted = int if tp is int else (int, float)

        def number(value, keys):
            if isinstance(value, bool):
                raise SchemaError(keys, f"{_label(keys)} must be {_describe(tp)}, not a boolean")
            if not isinstance(value, accepted):
                _fail(keys, tp, value)
            return tp(value)
        return number
    if tp is str:
        def string(value, keys):
            if value.__class__ is str or isinstance(value, str):
                return value
            _fail(keys, tp, value)
        return string
    if tp is Any:
        return lambda value, keys: value
    if origin is tuple or origin is frozenset:
        item_type = typing.get_args(tp)[0]
        item = _decoder(item_type)
        make = tuple if origin is tuple else frozenset
        plain = item_type is str

        def sequence(value, keys):
            if not isinstance(value, list):
                _fail(keys, tp, value)
            if plain and all(v.__class__ is str for v in value):
                return make(value)  # the common case: a list of strings
            return make(item(v, keys + (i,)) for i, v in enumerate(value))
        return sequence
    if origin is dict:
        _key_type, item_type = typing.get_args(tp)
        if dataclasses.is_dataclass(item_type):
            def tables(value, keys):
                if not isinstance(value, dict):
                    _fail(keys, tp, value)
                section = keys[-1] if keys else "table"
                return {
                    name: decode(item_type, v, keys + (name,), label=f"'{section}.{name}'", table_key=name)
                    for name, v in value.items()
                }
            return tables
        item = _decoder(item_type)

        def mapping(value, keys):
            if not isinstance(value, dict):
                _fail(keys, tp, value)
            return {name: item(v, keys + (name,)) for name, v in value.items()}
        return mapping
    if dataclasses.is_dataclass(tp):
        return lambda value, keys: decode(tp, value, keys)
    raise TypeError(f"schema: unsupported annotation {tp!r}")  # a programming error, caught by the tests


@dataclasses.dataclass(frozen=True)
class _Plan:
    """What `decode` needs of a class, worked out once."""

    known: dict  # key (or alias) in the file -> (_Field, its value decoder)
    required: tuple  # the _Fields a table must give
    takes_name: bool  # a derived `name` field receives the table's key
    open: bool
    post: bool


@lru_cache(maxsize=None)
def _plan(cls) -> _Plan:
    fields = _fields(cls)
    return _Plan(
        known={name: (f, _decoder(f.type)) for f in fields if not f.derived for name in (f.name, *f.aliases)},
        required=tuple(f for f in fields if f.required and not f.derived),
        takes_name=any(f.derived and f.attr == "name" for f in fields),
        open=bool(getattr(cls, "__schema_open__", False)),
        post=hasattr(cls, "__post_decode__"),
    )


def decode(
    cls,
    value,
    keys: tuple = (),
    *,
    label: str | None = None,
    table_key: str | None = None,
    allow_extra: bool | frozenset[str] = False,
):
    """Build `cls` from a parsed table, checking every key; raises SchemaError(key path, message).

    `table_key`: the name under which the table sits in a `dict[str, cls]`
    (a pack's `[kinds.return-dispute]`); a derived field named `name`
    receives it. `allow_extra`: True, or the set of other keys this table
    may carry and the schema ignores (a case file's fields the linter does
    not read); a class with `__schema_open__ = True` always allows them.
    Only the keys present are visited: front matter is decoded per draft.
    """
    if not isinstance(value, dict):
        raise SchemaError(keys, f"{label or _label(keys)} must be a table, got {_type_name(value)}")
    plan = _plan(cls)
    known = plan.known
    open_table = plan.open or allow_extra is True
    kwargs: dict[str, Any] = {}
    for name, raw in value.items():
        entry = known.get(name)
        if entry is None:
            if open_table or (allow_extra and name in allow_extra):
                continue
            allowed = sorted(set(known) | (allow_extra or set()))
            near = difflib.get_close_matches(name, allowed, n=1, cutoff=0.75)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            raise SchemaError(keys + (name,), f"unknown key '{name}' (allowed here: {', '.join(allowed)}){hint}")
        f, field_decoder = entry
        typed = field_decoder(raw, keys + (name,))
        if typed is None and not _nullable(f.shown):  # JSON's null for a key that must hold a value
            raise SchemaError(keys + (name,), f"{name} must not be null" + ("" if f.required else " (leave the key out for its default)"))
        if typed is not None and (f.check is not None or f.convert is not None):
            try:
                if f.check is not None:
                    problem = f.check(typed)
                    if problem:
                        raise SchemaError((), _placed(name, problem))
                if f.convert is not None:
                    typed = f.convert(typed)
            except SchemaError as exc:  # a check or conversion may name an item inside the value (`severity.TONE004`)
                raise SchemaError(keys + (name,) + exc.keys, exc.message) from None
        kwargs[f.attr] = typed
    for f in plan.required:
        if f.attr not in kwargs:
            raise SchemaError(keys, f"missing required key '{f.name}'")
    if plan.takes_name and table_key is not None:
        kwargs["name"] = table_key
    obj = cls(**kwargs)
    if plan.post:
        try:
            obj = obj.__post_decode__() or obj
        except SchemaError as exc:
            raise SchemaError(keys + exc.keys, exc.message) from None
    return obj


def _placed(name: str, problem: str) -> str:
    """A check's message, with the key it is about when the message does not name what is wrong:
    "'hours' must be positive", but "unknown language 'fr' (known: …)" as it is."""
    if problem.split(" ", 1)[0] in ("must", "has", "is"):
        return f"'{name}' {problem}"
    return problem


# --- checks shared by the schemas ---------------------------------------------

def positive(value) -> str | None:
    return "must be positive" if value <= 0 else None


def not_negative(value) -> str | None:
    return "must not be negative" if value < 0 else None


def one_of(choices) -> Callable[[Any], str | None]:
    """A check that every item (or the value) is one of `choices`."""
    allowed = tuple(choices)

    def check(value) -> str | None:
        for item in value if isinstance(value, (tuple, frozenset)) else (value,):
            if item not in allowed:
                return f"has unknown value {item!r} (known: {', '.join(allowed)})"
        return None

    return check


# --- the schema as documentation ----------------------------------------------

def _type_text(tp) -> str:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return " or ".join(dict.fromkeys(_type_text(a) for a in args))
    if origin in (tuple, frozenset):
        item = typing.get_args(tp)[0]
        return "tables" if dataclasses.is_dataclass(item) else f"list of {_type_text(item)}s"
    if origin is dict:
        return f"table of {_type_text(typing.get_args(tp)[1])}s"
    from datetime import datetime

    names = {str: "string", int: "integer", float: "number", bool: "true/false", datetime: "ISO 8601 date-time", Any: "any"}
    return names.get(tp, "table" if dataclasses.is_dataclass(tp) else "value")


def _default_text(value) -> str:
    if value is MISSING:
        return "required"
    if callable(value):  # a default_factory (dict, list, a lambda)
        value = value()
    if value is None or value == () or value == {} or value == frozenset() or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (tuple, frozenset)):
        items = sorted(value) if isinstance(value, frozenset) else list(value)
        return "[" + ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in items) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    if dataclasses.is_dataclass(value):
        return ""
    return str(value)


def reference(cls, table: str = "") -> list[tuple[str, str, str, str, str]]:
    """(table, key, type, default, meaning) for every key of a schema, nested tables included.

    The README's tables of pack and case-file keys are generated from this,
    so a new key is documented where it is declared (`key(doc=...)`).
    """
    rows: list[tuple[str, str, str, str, str]] = []
    nested: list[tuple[str, str, str, str, str]] = []  # sub-tables after the table's own keys
    for f in _fields(cls):
        if f.derived:
            continue
        doc = f.doc
        tp = f.shown
        origin = typing.get_origin(tp)
        inner = [a for a in typing.get_args(tp) if a is not type(None)] if origin in (typing.Union, types.UnionType) else [tp]
        sub = inner[0] if len(inner) == 1 else None
        sub_origin = typing.get_origin(sub) if sub is not None else None
        if sub is not None and dataclasses.is_dataclass(sub):
            here = f"[{table + '.' if table else ''}{f.name}]" if not table or table.startswith("[") is False else f"{table[:-1]}.{f.name}]"
            if origin in (typing.Union, types.UnionType):  # an optional inline table: `window = { … }`
                rows.append((table, f.name, "table", "", doc))
                rows.extend(reference(sub, f"{table} {f.name} = {{…}}".strip()))
            else:
                nested.extend(reference(sub, here if table else f"[{f.name}]"))
            continue
        if sub_origin is dict and dataclasses.is_dataclass(typing.get_args(sub)[1]):
            placeholder = f.name[:-1] if f.name.endswith("s") else f.name
            nested.extend(reference(typing.get_args(sub)[1], f"[{f.name}.<{placeholder}>]"))
            continue
        if sub_origin is tuple and dataclasses.is_dataclass(typing.get_args(sub)[0]):
            if doc:  # the array itself, then its tables' keys
                rows.append((table, f.name, "list of strings or tables" if _takes_strings(f.type) else "list of tables", "", doc))
            base = table.strip("[]")
            nested.extend(reference(typing.get_args(sub)[0], f"[[{base + '.' if base else ''}{f.name}]]"))
            continue
        names = " / ".join((f.name, *f.aliases))
        rows.append((table, names, _type_text(tp), _default_text(f.default), doc))
    return rows + nested


def _takes_strings(tp) -> bool:
    """Whether a file may write the items of this list as strings (`attachments = ["a.pdf"]`)."""
    lists = [a for a in (typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else (tp,))
             if typing.get_origin(a) is tuple]
    return any(item is str or str in typing.get_args(item) for lst in lists for item in typing.get_args(lst))


def reference_markdown(cls, *, first_column: str = "table") -> str:
    """`reference(cls)` as a Markdown table."""
    lines = [f"| {first_column} | key | type | default | meaning |", "|---|---|---|---|---|"]
    for table, name, type_text, default, doc in reference(cls):
        doc = doc.replace("|", "\\|")  # a pipe in a cell would end it
        default = f"`{default}`" if default and default != "required" else default
        lines.append(f"| `{table}` | `{name}` | {type_text} | {default} | {doc} |" if table else f"| | `{name}` | {type_text} | {default} | {doc} |")
    return "\n".join(lines) + "\n"
