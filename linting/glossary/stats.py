"""`replydesk glossary stats`: what each file holds, and what it lacks (tests, sources, languages)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .glossary_set import GlossarySet
from .model import LANGUAGES, GlossaryFile


@dataclass
class FileStats:
    path: str
    name: str
    use: str
    rule: str
    platforms: list[str]
    entries: int = 0
    avoided_forms: int = 0
    tests: int = 0
    # Entries per language: with a preferred form (terms, templates) or a flagged form (word lists).
    languages: dict[str, int] = field(default_factory=dict)
    without_tests: list[str] = field(default_factory=list)
    without_sources: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def file_stats(gfile: GlossaryFile) -> FileStats:
    st = FileStats(
        str(gfile.path), gfile.title, gfile.use, gfile.rule if gfile.use != "templates" else "",
        sorted(gfile.platforms) if gfile.platforms else ["(all)"],
    )
    st.languages = {lang: 0 for lang in LANGUAGES if lang in gfile.languages}
    for entry in gfile.entries:
        st.entries += 1
        st.avoided_forms += len(entry.avoid)
        st.tests += len(entry.must_flag) + len(entry.must_pass)
        langs = {a.lang for a in entry.avoid} if gfile.use == "words" else set(entry.preferred)
        for lang in langs:
            if lang in st.languages:
                st.languages[lang] += 1
        if gfile.use != "templates" and not (entry.must_flag and entry.must_pass):
            st.without_tests.append(entry.id)
        if not entry.sources:
            st.without_sources.append(entry.id)
    return st


def stats(gs: GlossarySet) -> list[FileStats]:
    return [file_stats(f) for f in gs.files]


def format_stats(rows: list[FileStats], verbose: bool = False) -> str:
    lines = [f"{'file':<22} {'use':<9} {'rule':<8} {'entries':>7} {'avoid':>6} {'tests':>6}  languages            no tests  no sources"]
    for st in rows:
        cover = " ".join(f"{lang}:{n}" for lang, n in st.languages.items())
        lines.append(
            f"{st.path.rsplit('/', 1)[-1]:<22} {st.use:<9} {st.rule:<8} {st.entries:>7} {st.avoided_forms:>6} "
            f"{st.tests:>6}  {cover:<20} {len(st.without_tests):>8}  {len(st.without_sources):>10}"
        )
        if verbose:
            if st.without_tests:
                lines.append(f"    without tests: {', '.join(st.without_tests)}")
            if st.without_sources:
                lines.append(f"    without sources: {', '.join(st.without_sources)}")
    total = sum(st.entries for st in rows)
    lines.append(f"{len(rows)} file(s), {total} entries")
    return "\n".join(lines)
