"""The glossary file schema (documented in glossaries/README.md), validated with file:line:col.

`parse_document` never stops at the first mistake: it returns what it could
build and every problem found, so that `glossary check` lists them all and
the loader raises the first one.
"""
from __future__ import annotations

import difflib
import re
from ..findings import Severity
from ..tomldata import TomlDocument
from .. import regexcheck
from .korean import Allomorph, KoreanMorphology
from ..positions import TextPositions
from .model import (
    LANGUAGES,
    TERM_RULE,
    USES,
    AvoidForm,
    Entry,
    FlagTest,
    GlossaryFile,
    PassTest,
    Problem,
)
from .scripts import LEADING_GAP, guess_language, is_hangul, normalize_form
from .sentence import problems as sentence_problems

FILE_KEYS = {
    "name", "platforms", "languages", "maintainer", "version", "use", "rule", "severity",
    "near_miss", "lemmas", "case_sensitive", "message", "description",
}
ENTRY_KEYS = {
    "id", *LANGUAGES, "avoid", "reason", "message", "suggestion", "notes", "sources", "scope",
    "case_sensitive", "lemmas", "rule", "severity", "near_miss", "must_flag", "must_pass",
    "sentence_with", "sentence_without",
}
AVOID_KEYS = {"form", "lang", "reason", "source", "pattern", "requires", "severity"}
FLAG_KEYS = {"text", "suggestion", "fixed", "platform", "kind"}
PASS_KEYS = {"text", "platform", "kind"}
SCOPE_KEYS = {"platforms", "kinds"}
PARTICLE_KEYS = {"language", "max_chain", "endings", "allomorphs", "sources", "description"}
ALLOMORPH_KEYS = {"after_consonant", "after_vowel", "rieul_takes_vowel_form"}

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_RULE = re.compile(r"^[A-Z]+[0-9]{3}$")


class _Collector:
    def __init__(self, doc: TomlDocument, glossary: GlossaryFile | None = None):
        self.doc = doc
        self.problems: list[Problem] = []
        self._file = glossary

    def add(self, keys: tuple, message: str, check: str = "schema", entry: str = "", severity: str = "error") -> None:
        line, col = self.position(keys)
        self.problems.append(Problem(str(self.doc.path), line, col, message, check, severity, entry))

    def position(self, keys: tuple) -> tuple[int | None, int | None]:
        if self._file is None:
            self._file = TextPositions(self.doc.text)
        return self._file.locate(keys)

    def unknown_keys(self, table: dict, allowed: set[str], keys: tuple, what: str, entry: str = "") -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(sorted(allowed))})"
                self.add(keys + (key,), f"unknown key '{key}' in {what}{hint}", entry=entry)


def parse_document(
    doc: TomlDocument, platforms: tuple[str, ...] = ()
) -> tuple[GlossaryFile | KoreanMorphology | None, list[Problem]]:
    """Validate one parsed TOML file: a glossary (`[glossary]` + `[[entry]]`) or particle data (`[particles]`)."""
    data = doc.data
    if "particles" in data and "glossary" not in data:
        col = _Collector(doc)
        morph = _parse_particles(doc, col)
        for key in data:
            if key != "particles":
                col.add((key,), f"unknown top-level table '{key}' in a particle file")
        return morph, col.problems
    gfile = GlossaryFile(path=doc.path, stem=doc.path.stem, text=doc.text)
    col = _Collector(doc, gfile)
    gfile.entry_lines = _entry_lines(doc.text)
    meta = data.get("glossary")
    if not isinstance(meta, dict):
        col.add(("glossary",) if "glossary" in data else (), "a glossary file needs a [glossary] table (name, languages, …) and [[entry]] tables")
        return None, col.problems
    for key in data:
        if key not in ("glossary", "entry"):
            col.add((key,), f"unknown top-level key '{key}' (expected [glossary] and [[entry]])")
    col.unknown_keys(meta, FILE_KEYS, ("glossary",), "[glossary]")
    gfile.title = _string(col, meta, ("glossary", "name"), required=True)
    gfile.maintainer = _string(col, meta, ("glossary", "maintainer"))
    gfile.version = _string(col, meta, ("glossary", "version"))
    gfile.use = _choice(col, meta, ("glossary", "use"), USES, "terms")
    langs = _string_list(col, meta, ("glossary", "languages"), required=True)
    for i, lang in enumerate(langs):
        if lang not in LANGUAGES:
            col.add(("glossary", "languages", i), f"unknown language '{lang}' (expected {', '.join(LANGUAGES)})")
    gfile.languages = tuple(lang for lang in langs if lang in LANGUAGES)
    gfile.platforms = _platforms(col, meta, ("glossary", "platforms"), platforms)
    default_rule = TERM_RULE if gfile.use == "terms" else ""
    gfile.rule = _rule(col, meta, ("glossary", "rule"), default_rule)
    if gfile.use == "words" and not gfile.rule:
        col.add(("glossary",), "a word list (use = \"words\") needs a rule code, e.g. rule = \"TONE001\", at file or entry level", severity="warning")
    defaults = {
        "severity": _severity(col, meta, ("glossary", "severity")),
        "near_miss": _bool(col, meta, ("glossary", "near_miss"), gfile.use == "terms"),
        "lemmas": _lemmas(col, meta, ("glossary", "lemmas"), False),
        "case_sensitive": _bool(col, meta, ("glossary", "case_sensitive"), False),
        "message": _string(col, meta, ("glossary", "message")),
    }
    entries = data.get("entry", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        col.add(("entry",), "entries must be [[entry]] tables")
        entries = []
    seen_ids: dict[str, int] = {}
    for index, table in enumerate(entries):
        entry = _parse_entry(col, gfile, index, table, defaults, platforms)
        if entry is None:
            continue
        if entry.id in seen_ids:
            first = gfile.entry_line(seen_ids[entry.id])
            col.add(("entry", index, "id"), f"duplicate entry id '{entry.id}' (first defined on line {first})", check="duplicate", entry=entry.qualified_id)
            continue
        seen_ids[entry.id] = index
        gfile.entries.append(entry)
    return gfile, col.problems


def _parse_entry(col: _Collector, gfile: GlossaryFile, index: int, table: dict, defaults: dict, platforms) -> Entry | None:
    keys = ("entry", index)
    entry_id = table.get("id")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        col.add(keys + ("id",) if "id" in table else keys, "each entry needs an id: lower-case letters, digits, '.', '_' or '-' (e.g. id = \"shipping-delay\")")
        return None
    qid = f"{gfile.stem}:{entry_id}"
    col.unknown_keys(table, ENTRY_KEYS, keys, f"entry '{entry_id}'", qid)
    entry = Entry(id=entry_id, file=gfile, index=index, preferred={})
    for lang in LANGUAGES:
        if lang in table:
            forms = _string_list(col, table, keys + (lang,), entry=qid)
            if lang not in gfile.languages:
                col.add(keys + (lang,), f"language '{lang}' is not among the file's languages ({', '.join(gfile.languages)})", entry=qid)
            for i, form in enumerate(forms):
                if not form.strip():
                    col.add(keys + (lang, i) if isinstance(table[lang], list) else keys + (lang,), "empty form", entry=qid)
            entry.preferred[lang] = tuple(f.strip() for f in forms if f.strip())
    entry.reason = _string(col, table, keys + ("reason",), entry=qid)
    entry.message = _string(col, table, keys + ("message",), entry=qid) or defaults["message"]
    entry.suggestion = _string(col, table, keys + ("suggestion",), entry=qid)
    entry.notes = _string(col, table, keys + ("notes",), entry=qid)
    entry.sources = tuple(_string_list(col, table, keys + ("sources",), entry=qid))
    entry.case_sensitive = _bool(col, table, keys + ("case_sensitive",), defaults["case_sensitive"], entry=qid)
    entry.lemmas = _lemmas(col, table, keys + ("lemmas",), defaults["lemmas"], entry=qid)
    entry.near_miss = _bool(col, table, keys + ("near_miss",), defaults["near_miss"], entry=qid)
    entry.rule = _rule(col, table, keys + ("rule",), gfile.rule, entry=qid)
    entry.severity = _severity(col, table, keys + ("severity",), entry=qid) or defaults["severity"]
    scope = table.get("scope", {})
    entry.platforms, entry.kinds = gfile.platforms, None
    if not isinstance(scope, dict):
        col.add(keys + ("scope",), "scope must be a table such as { platforms = [\"coupang\"], kinds = [\"return-dispute\"] }", entry=qid)
    else:
        col.unknown_keys(scope, SCOPE_KEYS, keys + ("scope",), "scope", qid)
        if "platforms" in scope:
            chosen = _platforms(col, scope, keys + ("scope", "platforms"), platforms, entry=qid)
            if gfile.platforms is not None and chosen is not None and not chosen <= gfile.platforms:
                extra = ", ".join(sorted(chosen - gfile.platforms))
                col.add(keys + ("scope", "platforms"), f"scope platforms {extra} are outside the file's platforms", entry=qid)
            entry.platforms = chosen
        if "kinds" in scope:
            kinds = _string_list(col, scope, keys + ("scope", "kinds"), entry=qid)
            entry.kinds = frozenset(kinds) if kinds else None

    if gfile.use == "templates":
        if not entry.preferred:
            col.add(keys, f"template '{entry_id}' needs its text in at least one language (ko, en or zh)", entry=qid)
        for key in ("avoid", "must_flag", "must_pass"):
            if key in table:
                col.add(keys + (key,), f"'{key}' has no meaning in a templates file", entry=qid)
        return entry

    entry.avoid = tuple(_parse_avoid(col, gfile, entry, table.get("avoid", []), keys + ("avoid",)))
    if gfile.use == "terms" and not entry.preferred:
        col.add(keys, f"term '{entry_id}' needs a preferred form in at least one language (ko, en or zh)", entry=qid)
    if gfile.use == "words":
        if not entry.avoid:
            col.add(keys, f"word-list entry '{entry_id}' needs forms to flag (avoid = [...])", entry=qid)
        if not entry.message:
            col.add(keys, f"word-list entry '{entry_id}' needs a message for the operator (entry or [glossary] message)", entry=qid)
        if not entry.rule:
            col.add(keys, f"word-list entry '{entry_id}' needs a rule code (entry or [glossary] rule)", entry=qid)
    cs = entry.case_sensitive
    preferred_keys = {normalize_form(f, cs): lang for lang, f in entry.all_preferred()}
    seen: dict[str, int] = {}
    for i, avoid in enumerate(entry.avoid):
        norm = normalize_form(avoid.form, cs)
        if norm in preferred_keys and not avoid.pattern:
            col.add(avoid.keys, f"'{avoid.form}' is both preferred and avoided in entry '{entry_id}'", check="conflict", entry=qid)
        if norm in seen:
            col.add(avoid.keys, f"'{avoid.form}' is listed twice in entry '{entry_id}'", check="duplicate", entry=qid)
        seen[norm] = i
    entry.sentence_with, entry.sentence_without = _sentence_conditions(col, table, keys, qid)
    entry.must_flag = tuple(_parse_flags(col, table.get("must_flag", []), keys + ("must_flag",), qid))
    entry.must_pass = tuple(_parse_passes(col, table.get("must_pass", []), keys + ("must_pass",), qid))
    return entry


def _sentence_conditions(col: _Collector, table: dict, keys: tuple, qid: str):
    """`sentence_with = [["if", "should"], ["we will"]]` and `sentence_without = ["withdrew"]`."""
    groups: list[tuple[str, ...]] = []
    raw = table.get("sentence_with", [])
    if not isinstance(raw, list) or not all(isinstance(g, list) for g in raw):
        col.add(keys + ("sentence_with",), "sentence_with must be a list of lists of phrases, e.g. [[\"if\", \"unless\"], [\"we will\"]]", entry=qid)
        raw = []
    for i, group in enumerate(raw):
        phrases = []
        for j, phrase in enumerate(group):
            if not isinstance(phrase, str) or sentence_problems(phrase):
                why = sentence_problems(phrase)[0] if isinstance(phrase, str) else "a phrase must be a string"
                col.add(keys + ("sentence_with", i, j), f"sentence_with phrase {phrase!r}: {why}", check="regex" if isinstance(phrase, str) else "schema", entry=qid)
                continue
            phrases.append(phrase)
        if phrases:
            groups.append(tuple(phrases))
    without = []
    for j, phrase in enumerate(_string_list(col, table, keys + ("sentence_without",), entry=qid)):
        found = sentence_problems(phrase)
        if found:
            col.add(keys + ("sentence_without", j), f"sentence_without phrase {phrase!r}: {found[0]}", check="regex", entry=qid)
        else:
            without.append(phrase)
    return tuple(groups), tuple(without)


def _parse_avoid(col: _Collector, gfile: GlossaryFile, entry: Entry, items, keys: tuple):
    qid = entry.qualified_id
    if not isinstance(items, list):
        col.add(keys, "avoid must be a list of forms: strings or { form = \"…\", reason = \"…\" } tables", entry=qid)
        return
    for i, item in enumerate(items):
        ikeys = keys + (i,)
        if isinstance(item, str):
            item = {"form": item}
            fkeys = ikeys
        elif isinstance(item, dict):
            col.unknown_keys(item, AVOID_KEYS, ikeys, "an avoided form", qid)
            fkeys = ikeys + ("form",)
        else:
            col.add(ikeys, "each avoided form is a string or a { form = \"…\" } table", entry=qid)
            continue
        form = item.get("form")
        if not isinstance(form, str) or not form.strip():
            col.add(fkeys, "an avoided form needs non-empty text (form = \"…\")", entry=qid)
            continue
        pattern = _bool(col, item, ikeys + ("pattern",), False, entry=qid)
        lang = item.get("lang")
        if lang is not None and lang not in LANGUAGES:
            col.add(ikeys + ("lang",), f"unknown language '{lang}' (expected {', '.join(LANGUAGES)})", entry=qid)
            lang = None
        lang = lang or (guess_language(form) if not pattern else "en")
        reason = _string(col, item, ikeys + ("reason",), entry=qid)
        source = _string(col, item, ikeys + ("source",), entry=qid)
        requires = _string(col, item, ikeys + ("requires",), entry=qid)
        severity = _severity(col, item, ikeys + ("severity",), entry=qid)
        if pattern:
            found = regexcheck.problems(form, 0 if entry.case_sensitive else re.IGNORECASE)
            for message in found:
                col.add(fkeys, f"regex '{form}': {message}", check="regex", entry=qid)
            if found:
                continue
        else:
            form = form.strip()
            if LEADING_GAP.match(form.lower()).end():
                col.add(fkeys, f"'{form}' starts with a symbol: literal forms start with a letter, digit, Hangul or Han character (use pattern = true for others)", entry=qid)
                continue
            if "[" in form or "]" in form:
                col.add(fkeys, f"'{form}' contains a bracket; brackets only mark spans in must_flag texts", entry=qid)
        if gfile.use == "terms" and not (reason or entry.reason):
            col.add(fkeys, f"avoided form '{form}' needs a reason (on the form or the entry)", entry=qid)
        yield AvoidForm(form, lang, reason, source, pattern, requires, fkeys, severity)


def _parse_flags(col: _Collector, items, keys: tuple, qid: str):
    if not isinstance(items, list):
        col.add(keys, "must_flag must be a list of { text = \"… [flagged] …\", suggestion = \"…\" } tables", entry=qid)
        return
    for i, item in enumerate(items):
        ikeys = keys + (i,)
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict):
            col.add(ikeys, "each must_flag item is a { text = \"…\" } table", entry=qid)
            continue
        col.unknown_keys(item, FLAG_KEYS, ikeys, "a must_flag test", qid)
        text = item.get("text")
        if not isinstance(text, str) or not text:
            col.add(ikeys, "a must_flag test needs text", entry=qid)
            continue
        test = FlagTest(
            text,
            _string(col, item, ikeys + ("suggestion",), entry=qid) or None,
            _string(col, item, ikeys + ("fixed",), entry=qid) or None,
            _string(col, item, ikeys + ("platform",), entry=qid) or None,
            _string(col, item, ikeys + ("kind",), entry=qid) or None,
            ikeys + ("text",),
        )
        if not _balanced(text) or not test.spans:
            col.add(ikeys + ("text",), "mark the span that must be flagged with [ and ], e.g. \"Sorry for the [delivery delay].\"", entry=qid)
            continue
        yield test


def _parse_passes(col: _Collector, items, keys: tuple, qid: str):
    if not isinstance(items, list):
        col.add(keys, "must_pass must be a list of texts", entry=qid)
        return
    for i, item in enumerate(items):
        ikeys = keys + (i,)
        if isinstance(item, str):
            yield PassTest(item, keys=ikeys)
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            col.add(ikeys, "each must_pass item is a text or a { text = \"…\", platform = \"…\" } table", entry=qid)
            continue
        col.unknown_keys(item, PASS_KEYS, ikeys, "a must_pass test", qid)
        yield PassTest(
            item["text"],
            _string(col, item, ikeys + ("platform",), entry=qid) or None,
            _string(col, item, ikeys + ("kind",), entry=qid) or None,
            ikeys + ("text",),
        )


def _parse_particles(doc: TomlDocument, col: _Collector) -> KoreanMorphology | None:
    table = doc.data["particles"]
    if not isinstance(table, dict):
        col.add(("particles",), "[particles] must be a table")
        return None
    col.unknown_keys(table, PARTICLE_KEYS, ("particles",), "[particles]")
    _string(col, table, ("particles", "description"))  # checked so a wrong type is reported, not ignored
    _string_list(col, table, ("particles", "sources"))
    if table.get("language", "ko") != "ko":
        col.add(("particles", "language"), "only Korean particle data (language = \"ko\") is supported")
    endings = _string_list(col, table, ("particles", "endings"), required=True)
    for i, e in enumerate(endings):
        if not e or not all(is_hangul(c) for c in e):
            col.add(("particles", "endings", i), f"'{e}' is not a Hangul particle or ending")
    max_chain = table.get("max_chain", 3)
    if not isinstance(max_chain, int) or isinstance(max_chain, bool) or not 1 <= max_chain <= 5:
        col.add(("particles", "max_chain"), "max_chain must be an integer from 1 to 5")
        max_chain = 3
    allomorphs = []
    items = table.get("allomorphs", [])
    if not isinstance(items, list):
        col.add(("particles", "allomorphs"), "allomorphs must be a list of { after_consonant, after_vowel } tables")
        items = []
    for i, item in enumerate(items):
        ikeys = ("particles", "allomorphs", i)
        if not isinstance(item, dict) or not isinstance(item.get("after_consonant"), str) or not isinstance(item.get("after_vowel"), str):
            col.add(ikeys, "each allomorph is { after_consonant = \"을\", after_vowel = \"를\" }")
            continue
        col.unknown_keys(item, ALLOMORPH_KEYS, ikeys, "an allomorph")
        allomorphs.append(
            Allomorph(item["after_consonant"], item["after_vowel"], bool(item.get("rieul_takes_vowel_form", False)))
        )
    return KoreanMorphology(frozenset(endings), max_chain, tuple(allomorphs), (str(doc.path),))


# -- small typed readers ------------------------------------------------


def _string(col: _Collector, table: dict, keys: tuple, required: bool = False, entry: str = "") -> str:
    key = keys[-1]
    if key not in table:
        if required:
            col.add(keys[:-1], f"missing required key '{key}'", entry=entry)
        return ""
    value = table[key]
    if not isinstance(value, str):
        col.add(keys, f"'{key}' must be a string", entry=entry)
        return ""
    return value.strip()


def _string_list(col: _Collector, table: dict, keys: tuple, required: bool = False, entry: str = "") -> list[str]:
    key = keys[-1]
    if key not in table:
        if required:
            col.add(keys[:-1], f"missing required key '{key}'", entry=entry)
        return []
    value = table[key]
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        col.add(keys, f"'{key}' must be a string or a list of strings", entry=entry)
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
    return list(value)


def _bool(col: _Collector, table: dict, keys: tuple, default: bool, entry: str = "") -> bool:
    key = keys[-1]
    if key not in table:
        return default
    if not isinstance(table[key], bool):
        col.add(keys, f"'{key}' must be true or false", entry=entry)
        return default
    return table[key]


def _lemmas(col: _Collector, table: dict, keys: tuple, default, entry: str = ""):
    key = keys[-1]
    if key not in table:
        return default
    value = table[key]
    if isinstance(value, bool) or value == "all":
        return value
    col.add(keys, "'lemmas' must be true (inflect the last word), \"all\" (every word) or false", entry=entry)
    return default


def _choice(col: _Collector, table: dict, keys: tuple, allowed: tuple, default: str) -> str:
    value = table.get(keys[-1], default)
    if value not in allowed:
        col.add(keys, f"'{keys[-1]}' must be one of {', '.join(allowed)}")
        return default
    return value


def _rule(col: _Collector, table: dict, keys: tuple, default: str, entry: str = "") -> str:
    key = keys[-1]
    if key not in table:
        return default
    value = table[key]
    if not isinstance(value, str) or not _RULE.match(value):
        col.add(keys, f"'{key}' must be a rule code such as TERM001 or TONE002", entry=entry)
        return default
    return value


def _severity(col: _Collector, table: dict, keys: tuple, entry: str = "") -> Severity | None:
    key = keys[-1]
    if key not in table:
        return None
    try:
        return Severity.parse(str(table[key]))
    except ValueError as exc:
        col.add(keys, str(exc), entry=entry)
        return None


def _platforms(col: _Collector, table: dict, keys: tuple, known: tuple[str, ...], entry: str = "") -> frozenset[str] | None:
    values = _string_list(col, table, keys, entry=entry)
    if not values:
        return None
    for i, name in enumerate(values):
        if known and name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(sorted(known))})"
            where = keys + (i,) if isinstance(table[keys[-1]], list) else keys
            col.add(where, f"unknown platform '{name}'{hint}", check="scope", entry=entry)
    return frozenset(values)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch == "[":
            depth += 1
            if depth > 1:
                return False
        elif ch == "]":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


_ENTRY_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*entry[ \t]*\]\][ \t]*(?:#.*)?$", re.M)


def _entry_lines(text: str) -> list[int]:
    """The line of every [[entry]] header, in order (one pass; used for file:line of entries)."""
    lines = []
    last, line = 0, 1
    for m in _ENTRY_HEADER.finditer(text):
        line += text.count("\n", last, m.start())
        last = m.start()
        lines.append(line)
    return lines

