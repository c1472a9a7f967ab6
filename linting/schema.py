"""One decoder for every data file: the typed dataclasses say which keys exist, their types and defaults.

Packs, the configuration and case context used to have a hand-written
validator each, each with its own list of allowed keys and its own copy
of every default; they drifted apart. Here a dataclass is the schema:

- its fields are the keys a table may hold (`key(toml_name=...)` renames one),
  their annotations the types, their defaults the defaults;
- `decode(cls, value, path)` checks a parsed TOML/JSON value against it and
  builds the object, or raises `SchemaError(path, message)`; the caller
  (which knows the file) turns the key path into `file:line` with
  `tomldata.KeyLocator`, so there is one locator and one error type
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


@lru_cache(maxsize=None)
def _fields(cls) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        meta = f.metadata
        if f.default is not MISSING:
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
            )
        )
    return tuple(out)


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


def _decode_value(tp, value, keys: tuple, label: str):
    """`value` as type `tp`; `label` names it in messages ("'max_chars'", "'labels' item 2")."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        if len(args) == 1:
            return _decode_value(args[0], value, keys, label)
        # A table or a list goes to the one alternative of that shape, so its own errors are reported.
        shaped = [a for a in args if _shape(a) == _shape_of(value)]
        if len(shaped) == 1 and _shape_of(value) != "scalar":
            return _decode_value(shaped[0], value, keys, label)
        for arg in args:  # int | float and the like: the first that fits
            try:
                return _decode_value(arg, value, keys, label)
            except SchemaError:
                continue
        raise SchemaError(keys, f"{label} must be {_describe(tp)}, got {_type_name(value)}")
    if tp is bool:
        if not isinstance(value, bool):
            raise SchemaError(keys, f"{label} must be true or false, got {_type_name(value)}")
        return value
    if tp in (int, float):
        if isinstance(value, bool):
            raise SchemaError(keys, f"{label} must be {_describe(tp)}, not a boolean")
        if not isinstance(value, int if tp is int else (int, float)):
            raise SchemaError(keys, f"{label} must be {_describe(tp)}, got {_type_name(value)}")
        return tp(value)
    if tp is str:
        if not isinstance(value, str):
            raise SchemaError(keys, f"{label} must be a string, got {_type_name(value)}")
        return value
    if tp is Any:
        return value
    if origin in (tuple, frozenset):
        if not isinstance(value, list):
            raise SchemaError(keys, f"{label} must be a list, got {_type_name(value)}")
        item_type = typing.get_args(tp)[0]
        items = []
        for i, item in enumerate(value):
            if dataclasses.is_dataclass(item_type):
                items.append(decode(item_type, item, keys + (i,), label=f"{label} item {i + 1}"))
            else:
                items.append(_decode_value(item_type, item, keys + (i,), f"{label} item {i + 1}"))
        return tuple(items) if origin is tuple else frozenset(items)
    if origin is dict:
        if not isinstance(value, dict):
            raise SchemaError(keys, f"{label} must be a table, got {_type_name(value)}")
        _key_type, item_type = typing.get_args(tp)
        out = {}
        for name, item in value.items():
            if dataclasses.is_dataclass(item_type):
                out[name] = decode(item_type, item, keys + (name,), label=f"{keys[-1] if keys else 'table'}.{name}", table_key=name)
            else:
                out[name] = _decode_value(item_type, item, keys + (name,), f"{label[:-1]}.{name}'" if label.endswith("'") else f"{label}.{name}")
        return out
    if dataclasses.is_dataclass(tp):
        return decode(tp, value, keys, label=label)
    raise TypeError(f"schema: unsupported annotation {tp!r}")  # a programming error, caught by the tests


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
    """
    if not isinstance(value, dict):
        what = label or (f"'{keys[-1]}'" if keys and isinstance(keys[-1], str) else "this")
        raise SchemaError(keys, f"{what} must be a table, got {_type_name(value)}")
    fields = _fields(cls)
    known = {name: f for f in fields if not f.derived for name in (f.name, *f.aliases)}
    open_table = allow_extra is True or getattr(cls, "__schema_open__", False)
    for name in value:
        if name not in known and not open_table and not (allow_extra and name in allow_extra):
            near = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            raise SchemaError(keys + (name,), f"unknown key '{name}' (allowed here: {', '.join(sorted(known))}){hint}")
    kwargs: dict[str, Any] = {}
    for f in fields:
        if f.derived:
            if table_key is not None and f.attr == "name":
                kwargs["name"] = table_key
            continue
        name = f.name if f.name in value else next((a for a in f.aliases if a in value), None)
        if name is None:
            if f.required:
                raise SchemaError(keys, f"missing required key '{f.name}'")
            continue  # the dataclass default
        typed = _decode_value(f.type, value[name], keys + (name,), f"'{name}'")
        try:
            if f.check is not None and typed is not None:
                problem = f.check(typed)
                if problem:
                    raise SchemaError((), _placed(name, problem))
            if f.convert is not None and typed is not None:
                typed = f.convert(typed)
        except SchemaError as exc:  # a check or conversion may name an item inside the value (`severity.TONE004`)
            raise SchemaError(keys + (name,) + exc.keys, exc.message) from None
        kwargs[f.attr] = typed
    obj = cls(**kwargs)
    post = getattr(obj, "__post_decode__", None)
    if post is not None:
        try:
            obj = post() or obj
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
