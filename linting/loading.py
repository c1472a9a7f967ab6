"""Reads packs and glossaries from disk once and builds a Linter. The only I/O before linting."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config
from .packs import merge_tables, pack_from_mapping
from .schema import SchemaError
from .resources import Resources
from .tomldata import DataFileError, load_toml_file

if TYPE_CHECKING:  # imported where a linter is built: the queue's commands load packs and never lint (~0.1 s)
    from .engine import Linter

BASE_PACK = "general"


def builtin_pack_dir() -> Path:
    return Path(str(files("replydesk.linting.packs")))


def builtin_glossary_dir() -> Path:
    return Path(str(files("replydesk.glossaries")))


def load_packs(extra_dirs: tuple[Path, ...] = ()) -> dict:
    """All packs by name; a user directory's pack replaces a built-in one of the same name."""
    docs = {}
    for folder in (builtin_pack_dir(), *extra_dirs):
        for path in sorted(folder.glob("*.toml")):
            docs[path.stem] = load_toml_file(path)
    if BASE_PACK not in docs:
        raise DataFileError(builtin_pack_dir() / f"{BASE_PACK}.toml", None, "the base pack is missing")
    base = docs[BASE_PACK]
    packs = {}
    for name, doc in docs.items():
        data = doc.data if name == BASE_PACK else merge_tables(base.data, doc.data)
        try:
            packs[name] = pack_from_mapping(name, data, source=str(doc.path))
        except SchemaError as exc:
            # The key may live in the base pack (inherited) or in this file.
            line = doc.locate(*exc.keys, exact=True) if exc.keys else None
            where = doc if line or name == BASE_PACK else base
            raise DataFileError(where.path, line or where.locate(*exc.keys), exc.message) from None
    extra = load_one_off_holidays((builtin_pack_dir(), *extra_dirs))
    for name, pack in packs.items():
        days = extra.get(pack.calendar.country)
        if days:
            packs[name] = replace(pack, calendar=replace(pack.calendar, extra=days))
    return packs


CALENDARS = "calendars"  # in a pack folder: <COUNTRY>.toml, one-off public holidays


def load_one_off_holidays(folders) -> dict[str, dict[date, str]]:
    """`calendars/<COUNTRY>.toml` of every pack folder: `[holidays] "YYYY-MM-DD" = "name"`.

    The holidays a government declares after the installed `holidays`
    release (a temporary holiday, a moved election day), until the library
    has them. A later folder adds to (or renames) an earlier one's dates.
    """
    out: dict[str, dict[date, str]] = {}
    for folder in folders:
        for path in sorted((Path(folder) / CALENDARS).glob("*.toml")):
            country = path.stem.upper()
            doc = load_toml_file(path)
            table = doc.data.get("holidays", {})
            unknown = sorted(set(doc.data) - {"holidays"})
            if unknown:
                raise DataFileError(path, doc.locate(unknown[0]), f"unknown table {unknown[0]!r} (a calendar file has [holidays] only)")
            if not isinstance(table, dict):
                raise DataFileError(path, doc.locate("holidays"), "[holidays] must be a table of \"YYYY-MM-DD\" = \"name\"")
            days = out.setdefault(country, {})
            for key_text, name in table.items():
                try:
                    day = date.fromisoformat(key_text)
                except ValueError:
                    raise DataFileError(path, doc.locate("holidays", key_text), f"{key_text!r} is not a date (YYYY-MM-DD)") from None
                if not isinstance(name, str) or not name.strip():
                    raise DataFileError(path, doc.locate("holidays", key_text), f"the holiday on {key_text} needs a name")
                days[day] = name.strip()
    return out


def load_resources(config: Config | None = None) -> Resources:
    from .glossary import load_glossary_set

    config = config or Config()
    packs = load_packs(config.pack_dirs)
    glossary = load_glossary_set((builtin_glossary_dir(), *config.glossary_dirs), platforms=tuple(packs))
    return Resources(packs=packs, glossary=glossary)


def build_linter(config: Config | None = None) -> Linter:
    from .engine import Linter

    config = config or Config()
    return Linter(load_resources(config), config.settings)
