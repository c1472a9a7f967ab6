"""Glossaries: term files and word lists, compiled into one matcher.

Pipeline in one sentence: TOML files → `schema` (validated entries with
file:line:col) → `matcher.CompiledGlossary` (token trie, expanded at
compile time) → `GlossarySet.scan(text)` → `TermHit`s, which
`rules/term.py` turns into findings. `check`, `find`, `stats` and `edit`
are the maintainers' tools behind `replydesk glossary …`.
"""
from __future__ import annotations

from .glossary_set import GlossarySet
from .loader import glossary_paths, load_glossary_set, read_files
from .model import Entry, GlossaryFile, Problem, TermHit

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
