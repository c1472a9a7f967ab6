"""Finding and reading configuration: replydesk.toml, or [tool.replydesk] in pyproject.toml.

The first of those found walking up from the current directory wins.
Paths in it are relative to the file that names them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .findings import Severity
from .schema import SchemaError, decode, key
from .settings import DEFAULT_MAX_FINDINGS_PER_RULE, Settings
from .tomldata import DataFileError, TomlDocument, load_toml_file

CONFIG_NAME = "replydesk.toml"


def _severity(value: str) -> str | None:
    try:
        Severity.parse(value)
    except ValueError as exc:
        return str(exc)
    return None


def _severities(table: dict) -> None:
    for code, value in table.items():
        problem = _severity(value)
        if problem:
            raise SchemaError((code,), problem)


def _cap(value: int) -> str | None:
    return "must be a whole number, 0 for no cap" if value < 0 else None


def _codes(values) -> frozenset[str]:
    return frozenset(v.strip().upper() for v in values)


def _folders(value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


@dataclass(frozen=True)
class ConfigFile:
    """The keys of `replydesk.toml` (or `[tool.replydesk]`): decoded by `schema.decode`, which
    derives the allowed keys, types and defaults from these fields."""

    select: frozenset[str] = key(frozenset({"ALL"}), convert=_codes)  # rule codes or prefixes, as ruff's
    extend_select: frozenset[str] = key(frozenset(), convert=_codes)
    ignore: frozenset[str] = key(frozenset(), convert=_codes)
    severity: dict[str, str] = key(default_factory=dict, check=_severities)  # { TONE004 = "info" }
    fail_on: str = key("error", check=_severity)
    pack_dirs: str | tuple[str, ...] = key((), convert=_folders)  # relative to the file that names them
    glossary_dirs: str | tuple[str, ...] = key((), convert=_folders)
    max_findings_per_rule: int = key(DEFAULT_MAX_FINDINGS_PER_RULE, check=_cap)

    def settings(self) -> Settings:
        return Settings(
            select=self.select | self.extend_select,
            ignore=self.ignore,
            severity={code.upper(): Severity.parse(value) for code, value in self.severity.items()},
            fail_on=Severity.parse(self.fail_on),
            max_findings_per_rule=self.max_findings_per_rule,
        )


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


def config_from_table(doc: TomlDocument, table: dict, prefix: tuple = ()) -> Config:
    try:
        decoded = decode(ConfigFile, table, prefix, label="replydesk configuration")
    except SchemaError as exc:
        raise doc.error(exc.keys, exc.message) from None
    base = doc.path.parent

    def dirs(key_name: str, values: tuple[str, ...]) -> tuple[Path, ...]:
        out = []
        for v in values:
            p = (base / v).resolve()
            if not p.is_dir():
                raise doc.error(prefix + (key_name,), f"'{key_name}': {v} is not a directory")
            out.append(p)
        return tuple(out)

    return Config(
        settings=decoded.settings(),
        pack_dirs=dirs("pack_dirs", decoded.pack_dirs),
        glossary_dirs=dirs("glossary_dirs", decoded.glossary_dirs),
        path=doc.path,
    )


__all__ = ["Config", "load_config", "find_config", "DataFileError"]
