"""The mapping tables of sources.toml, read once and checked: which statuses open, update or
close a case, which webhook type numbers mean what.

They are data because platforms add statuses and sellers disagree on what a
status means for them; an operator edits a copy and points
`REPLYDESK_SOURCES` at it. A broken file is a `DataFileError` naming the
file and line (the CLI prints it; the receiver refuses to start).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from replydesk.linting.casefile import OUTCOMES
from replydesk.linting.tomldata import DataFileError, load_toml_file

DEFAULT_FILE = Path(__file__).with_name("sources.toml")
TYPE_TABLES = ("tiktok-webhook-types", "shopee-push-codes")
RECEIVER = "receiver"
# Read by the adapters themselves, not through a table of their own.
INTERNAL_TARGETS = frozenset({"order-status"})


@dataclass(frozen=True)
class Source:
    name: str
    platform: str
    kind: str
    open: frozenset[str]
    update: frozenset[str]
    results: dict[str, str]  # platform status -> "under-review" | "closed:<outcome>"
    placeholders: frozenset[str] = frozenset()  # texts the platform puts where a message has none

    def action(self, status: str | None) -> str:
        """"open", "update" or "ignore" for a platform status (no status: open)."""
        if status is None or not (self.open or self.update):
            return "open"
        if status in self.open:
            return "open"
        return "update" if status in self.update else "ignore"


@dataclass(frozen=True)
class Sources:
    by_name: dict[str, Source]
    types: dict[str, dict[int, str]]  # "tiktok-webhook-types" -> {12: "tiktok-returns"}
    max_age: dict[str, int]  # receiver endpoint -> seconds a signed delivery may be old

    def __getitem__(self, name: str) -> Source:
        return self.by_name[name]

    def type_target(self, table: str, number) -> str | None:
        try:
            return self.types[table].get(int(number))
        except (TypeError, ValueError):
            return None


def _strings(doc, keys, value) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise doc.error(keys, f"{'.'.join(keys)} must be a list of status names")
    return frozenset(value)


def load_sources(path: Path | None = None) -> Sources:
    doc = load_toml_file(path or DEFAULT_FILE)
    by_name: dict[str, Source] = {}
    types: dict[str, dict[int, str]] = {}
    max_age: dict[str, int] = {}
    for name, table in doc.data.items():
        if not isinstance(table, dict):
            raise doc.error((name,), f"{name} must be a table")
        if name == RECEIVER:
            for key_name, seconds in table.items():
                if not key_name.endswith("_max_age") or isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0:
                    raise doc.error((name, key_name), f"{name}.{key_name}: expected <endpoint>_max_age = seconds (> 0)")
                max_age[key_name[: -len("_max_age")]] = seconds
            continue
        if name in TYPE_TABLES:
            numbers = {}
            for number, target in table.items():
                if not number.isdigit() or not isinstance(target, str):
                    raise doc.error((name, number), f"{name}: each entry is a type number = \"source name\"")
                numbers[int(number)] = target
            types[name] = numbers
            continue
        unknown = set(table) - {"platform", "kind", "open", "update", "results", "placeholders"}
        if unknown:
            raise doc.error((name, sorted(unknown)[0]),
                            f"{name}: unknown key {sorted(unknown)[0]!r} (platform, kind, open, update, results, placeholders)")
        for required in ("platform", "kind"):
            if not isinstance(table.get(required), str) or not table[required]:
                raise doc.error((name,), f"{name}.{required} must be given (a pack name / a kind)")
        results = table.get("results", {})
        if not isinstance(results, dict):
            raise doc.error((name, "results"), f"{name}.results must be a table of status = result")
        for status, result in results.items():
            if result != "under-review" and not (
                isinstance(result, str) and result.startswith("closed:") and result[7:] in OUTCOMES
            ):
                raise doc.error(
                    (name, "results", status),
                    f"{name}.results.{status}: {result!r} is not \"under-review\" or \"closed:<outcome>\" "
                    f"(outcomes: {', '.join(OUTCOMES)})",
                )
        by_name[name] = Source(
            name=name,
            platform=table["platform"],
            kind=table["kind"],
            open=_strings(doc, (name, "open"), table.get("open", [])),
            update=_strings(doc, (name, "update"), table.get("update", [])),
            results=dict(results),
            placeholders=_strings(doc, (name, "placeholders"), table.get("placeholders", [])),
        )
    for table, numbers in types.items():
        for number, target in numbers.items():
            if target not in by_name and target not in INTERNAL_TARGETS:
                raise doc.error((table, str(number)), f"{table}.{number}: no source named {target!r} in this file")
    return Sources(by_name, types, max_age)


@lru_cache(maxsize=4)
def _cached(path: str) -> Sources:
    return load_sources(Path(path))


def sources() -> Sources:
    """The tables in use: $REPLYDESK_SOURCES, else the shipped sources.toml (read once per file)."""
    chosen = os.environ.get("REPLYDESK_SOURCES") or str(DEFAULT_FILE)
    return _cached(chosen)


__all__ = ["DataFileError", "Source", "Sources", "load_sources", "sources"]
