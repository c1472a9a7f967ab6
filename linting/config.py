"""Finding and reading configuration: replydesk.toml, or [tool.replydesk] in pyproject.toml.

The first of those found walking up from the current directory wins.
Paths in it are relative to the file that names them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .findings import Severity
from .settings import DEFAULT_MAX_FINDINGS_PER_RULE, Settings
from .tomldata import DataFileError, TomlDocument, load_toml_file

CONFIG_NAME = "replydesk.toml"
KNOWN_KEYS = {"select", "ignore", "severity", "fail_on", "pack_dirs", "glossary_dirs", "extend_select", "max_findings_per_rule"}


@dataclass
class Config:
    settings: Settings = field(default_factory=Settings)
    pack_dirs: tuple[Path, ...] = ()
    glossary_dirs: tuple[Path, ...] = ()
    path: Path | None = None


def find_config(start: Path) -> tuple[Path, bool] | None:
    """(path, is_pyproject) of the nearest config file at or above `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate, False
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "[tool.replydesk" in text:
                return pyproject, True
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> Config:
    """Read the given config file, or discover one; no file means defaults."""
    if path is None:
        found = find_config(start or Path.cwd())
        if found is None:
            return Config()
        path, is_pyproject = found
    else:
        is_pyproject = path.name == "pyproject.toml"
    doc = load_toml_file(path)
    table = doc.data
    prefix: tuple = ()
    if is_pyproject:
        table = doc.data.get("tool", {}).get("replydesk", {})
        prefix = ("tool", "replydesk")
    return config_from_table(doc, table, prefix)


def _codes(doc: TomlDocument, keys: tuple, value) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise doc.error(keys, f"'{keys[-1]}' must be a list of rule codes or prefixes")
    return frozenset(v.strip().upper() for v in value)


def config_from_table(doc: TomlDocument, table: dict, prefix: tuple = ()) -> Config:
    if not isinstance(table, dict):
        raise doc.error(prefix, "replydesk configuration must be a table")
    unknown = set(table) - KNOWN_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise doc.error(prefix + (key,), f"unknown setting '{key}' (known: {', '.join(sorted(KNOWN_KEYS))})")
    select = _codes(doc, prefix + ("select",), table["select"]) if "select" in table else frozenset({"ALL"})
    if "extend_select" in table:
        select = select | _codes(doc, prefix + ("extend_select",), table["extend_select"])
    ignore = _codes(doc, prefix + ("ignore",), table.get("ignore", []))
    severity: dict[str, Severity] = {}
    sev_table = table.get("severity", {})
    if not isinstance(sev_table, dict):
        raise doc.error(prefix + ("severity",), "'severity' must be a table such as { TONE004 = \"info\" }")
    for code, value in sev_table.items():
        try:
            severity[code.upper()] = Severity.parse(str(value))
        except ValueError as exc:
            raise doc.error(prefix + ("severity", code), str(exc)) from None
    fail_on = Severity.ERROR
    if "fail_on" in table:
        try:
            fail_on = Severity.parse(str(table["fail_on"]))
        except ValueError as exc:
            raise doc.error(prefix + ("fail_on",), str(exc)) from None
    cap = table.get("max_findings_per_rule", DEFAULT_MAX_FINDINGS_PER_RULE)
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
        raise doc.error(prefix + ("max_findings_per_rule",), "'max_findings_per_rule' must be a whole number, 0 for no cap")
    base = doc.path.parent

    def dirs(key: str) -> tuple[Path, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise doc.error(prefix + (key,), f"'{key}' must be a list of directories")
        out = []
        for v in value:
            p = (base / v).resolve()
            if not p.is_dir():
                raise doc.error(prefix + (key,), f"'{key}': {v} is not a directory")
            out.append(p)
        return tuple(out)

    return Config(
        settings=Settings(select=select, ignore=ignore, severity=severity, fail_on=fail_on, max_findings_per_rule=cap),
        pack_dirs=dirs("pack_dirs"),
        glossary_dirs=dirs("glossary_dirs"),
        path=doc.path,
    )


__all__ = ["Config", "load_config", "find_config", "DataFileError"]
