"""Finding and reading glossary files: the only I/O of the glossary subsystem.

Directories are read in order (built-in first, then the user's from
config); a user file with the same name as a built-in one replaces it,
like platform packs. Every `*.toml` file is a glossary, except files with a
`[particles]` table, which extend the Korean particle/ending list. Large
sets are cached compiled, keyed by their contents (`cache`).
"""
from __future__ import annotations

import re
from pathlib import Path

from ..tomldata import DataFileError, load_toml_file
from .cache import CompileCache
from .glossary_set import GlossarySet
from .matcher import collector_paused
from .korean import KoreanMorphology
from .model import GlossaryFile, Problem
from .schema import parse_document


_PARTICLES_TABLE = re.compile(r"^\s*\[particles\]", re.M)


def glossary_paths(dirs: tuple[Path, ...]) -> list[Path]:
    """The files that make up a glossary set, later directories overriding earlier ones by file name."""
    chosen: dict[str, Path] = {}
    for folder in dirs:
        folder = Path(folder)
        if not folder.is_dir():
            raise DataFileError(folder, None, "glossary directory not found")
        for path in sorted(folder.glob("*.toml")):
            chosen[path.name] = path
    return list(chosen.values())


def particle_files(paths: list[Path]) -> list[Path]:
    """The files among `paths` that hold Korean particle data (a [particles] table)."""
    out = []
    for path in paths:
        try:
            head = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if _PARTICLES_TABLE.search(head):
            out.append(Path(path))
    return out


def read_files(
    paths: list[Path], platforms: tuple[str, ...] = ()
) -> tuple[list[GlossaryFile], KoreanMorphology, list[Problem]]:
    """Parse and validate files; problems are collected, not raised (TOML syntax errors included)."""
    files: list[GlossaryFile] = []
    morph = KoreanMorphology()
    problems: list[Problem] = []
    with collector_paused():
        _read_into(paths, platforms, files, problems)
    for parsed in [f for f in files if isinstance(f, KoreanMorphology)]:
        morph = morph.merged(parsed)
    files = [f for f in files if not isinstance(f, KoreanMorphology)]
    return files, morph, problems


def _read_into(paths, platforms, files: list, problems: list[Problem]) -> None:
    for path in paths:
        try:
            doc = load_toml_file(Path(path))
        except DataFileError as exc:
            problems.append(Problem(exc.path, exc.line, exc.column, exc.message, "syntax"))
            continue
        parsed, found = parse_document(doc, platforms)
        problems.extend(found)
        if parsed is not None:
            files.append(parsed)


def load_glossary_set(dirs: tuple[Path, ...], platforms: tuple[str, ...] = ()) -> GlossarySet:
    """Load and compile every glossary in `dirs`; the first error is raised as DataFileError(path, line, msg).

    A large set comes from the compile cache when its files are unchanged (see `cache`).
    """
    paths = glossary_paths(tuple(dirs))
    cache = CompileCache.for_files(paths, tuple(platforms))
    if cache is not None:
        cached = cache.load()
        if cached is not None:
            return cached
    files, morph, problems = read_files(paths, tuple(platforms))
    for problem in problems:
        if problem.severity == "error":
            raise DataFileError(problem.path, problem.line, problem.message, problem.column)
    glossary = GlossarySet(files, morph)
    if cache is not None:
        cache.store(glossary)
    return glossary
