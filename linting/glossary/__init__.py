"""Glossaries: term files and word lists, compiled into one matcher.

Pipeline in one sentence: TOML files → `schema` (validated entries with
file:line:col) → `matcher.CompiledGlossary` (token trie, expanded at
compile time) → `GlossarySet.scan(text)` → `TermHit`s, which
`rules/words.py` (the `words` check) turns into findings. `check`, `find`, `stats` and `edit`
are the maintainers' tools behind `replydesk glossary …`.
"""
from __future__ import annotations

from importlib import import_module

# Names load on first use (PEP 562), so `replydesk rules` or the glossary
# subcommand's parser do not pay for compiling the matcher module.
_EXPORTS = {
    "GlossarySet": ".glossary_set",
    "glossary_paths": ".loader",
    "load_glossary_set": ".loader",
    "read_files": ".loader",
    "Entry": ".model",
    "GlossaryFile": ".model",
    "Problem": ".model",
    "TermHit": ".model",
}


def __getattr__(name: str):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value

__all__ = [
    "GlossarySet",
    "TermHit",
    "Entry",
    "GlossaryFile",
    "Problem",
    "load_glossary_set",
    "glossary_paths",
    "read_files",
]
