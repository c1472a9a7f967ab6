"""Every broken shape of a shipped pack or glossary file is a file:line error, never a silent drop.

Each shipped file is copied and broken one way at a time: a value of the
wrong type for each kind of key, a required key removed, a block duplicated,
an invalid regex, an unterminated string, a byte that is not UTF-8, an empty
file, a table replaced by a string. Loading must then fail naming that file
and a line inside the broken region, or, if it succeeds, keep every entry
the file has.
"""
from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from replydesk.linting.glossary.loader import read_files
from replydesk.linting.loading import builtin_glossary_dir, builtin_pack_dir, load_packs
from replydesk.linting.tomldata import DataFileError

PACK_FILES = sorted(builtin_pack_dir().glob("*.toml"))
GLOSSARY_FILES = sorted(p for p in builtin_glossary_dir().glob("*.toml"))
PLATFORMS = tuple(sorted(load_packs()))

_KEY_LINE = re.compile(r"^(\s*)([A-Za-z_][\w-]*)(\s*=\s*)(.+?)\s*$")
WRONG = {str: "42", int: '"42"', float: '"4.5"', bool: '"yes"', list: "42", dict: '"x"'}


class Breakage:
    def __init__(self, name: str, data: bytes, first: int, last: int):
        self.name, self.data, self.first, self.last = name, data, first, last

    def __repr__(self) -> str:
        return f"{self.name} (lines {self.first}-{self.last})"


def single_line_values(lines: list[str]) -> list[tuple[int, type]]:
    """(index, type) of `key = value` lines whose whole value sits on the line."""
    out = []
    for i, line in enumerate(lines):
        m = _KEY_LINE.match(line)
        if not m or line.lstrip().startswith("#"):
            continue
        try:
            value = tomllib.loads("v = " + m.group(4))["v"]
        except tomllib.TOMLDecodeError:
            continue
        out.append((i, type(value)))
    return out


def blocks(lines: list[str], header: str) -> list[tuple[int, int]]:
    """(first, last) line indexes of every `[[header]]` block."""
    starts = [i for i, line in enumerate(lines) if line.strip() == f"[[{header}]]"]
    out = []
    for s in starts:
        e = s + 1
        while e < len(lines) and not lines[e].lstrip().startswith("["):
            e += 1
        while e - 1 > s and not lines[e - 1].strip():
            e -= 1
        out.append((s, e - 1))
    return out


def breakages(path: Path, block_header: str, required: tuple[str, ...]) -> list[Breakage]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    out: list[Breakage] = []

    def emit(name: str, new_lines: list[str], first: int, last: int, raw: bytes | None = None):
        out.append(Breakage(name, raw if raw is not None else "\n".join(new_lines).encode("utf-8"), first + 1, last + 1))

    values = single_line_values(lines)
    per_type: dict[type, int] = {}
    for i, kind in values:
        if per_type.get(kind, 0) >= 2:
            continue
        per_type[kind] = per_type.get(kind, 0) + 1
        m = _KEY_LINE.match(lines[i])
        new = list(lines)
        new[i] = m.group(1) + m.group(2) + m.group(3) + WRONG[kind]
        emit(f"wrong type: {m.group(2)} ({kind.__name__})", new, i, i)
    strings = [i for i, kind in values if kind is str and '"' in lines[i]]
    if strings:
        i = strings[0]
        new = list(lines)
        new[i] = lines[i][: lines[i].rindex('"')]
        emit("unterminated string", new, i, i)
    i = values[len(values) // 2][0]
    raw = "\n".join(lines[:i]).encode("utf-8") + b"\n" + lines[i].encode("utf-8") + b" \xff\n" + "\n".join(lines[i + 1 :]).encode("utf-8")
    emit("non-UTF-8 byte", lines, i, i, raw)
    found = blocks(lines, block_header)
    if found:
        s, e = found[0]
        for key in required:
            key_lines = [j for j in range(s, e + 1) if re.match(rf"\s*{key}\s*=", lines[j])]
            if key_lines:
                new = lines[: key_lines[0]] + lines[key_lines[0] + 1 :]
                emit(f"missing required key '{key}'", new, s, e - 1)
        s, e = found[-1]
        new = lines[: e + 1] + [""] + lines[s : e + 1] + lines[e + 1 :]
        emit(f"duplicate [[{block_header}]] block", new, e + 2, e + 2 + (e - s))
    return out


def load_pack_copy(tmp_path: Path, path: Path, data: bytes) -> None:
    folder = tmp_path / "packs"
    folder.mkdir(exist_ok=True)
    (folder / path.name).write_bytes(data)
    load_packs((folder,))


def assert_error_in_region(error_path, error_line, target: Path, breakage: Breakage, where: str) -> None:
    assert Path(error_path).name == target.name, f"{breakage}: error names {error_path}, not {target.name}: {where}"
    assert error_line is not None, f"{breakage}: no line in {where}"
    assert breakage.first <= error_line <= breakage.last, f"{breakage}: line {error_line} outside the broken region: {where}"


def pack_entry_count(data: dict) -> tuple[int, int]:
    return len(data.get("ids", [])), len(data.get("kinds", {}))


# --- packs ---------------------------------------------------------------------------------------

PACK_CASES = [
    pytest.param(path, b, id=f"{path.stem}: {b.name}")
    for path in PACK_FILES
    for b in breakages(path, "ids", ("name",))  # `pattern` is optional: an ID type with no published shape
]
@pytest.mark.parametrize("path, breakage", PACK_CASES)
def test_broken_pack_is_a_file_line_error_or_keeps_every_entry(tmp_path, path, breakage):
    target = tmp_path / "packs" / path.name
    try:
        load_pack_copy(tmp_path, path, breakage.data)
    except DataFileError as exc:
        assert_error_in_region(exc.path, exc.line, target, breakage, str(exc))
        return
    # Loaded: then nothing may have been dropped.
    data = tomllib.loads(breakage.data.decode("utf-8"))
    loaded = load_packs((tmp_path / "packs",))[path.stem]
    assert len(loaded.ids) >= pack_entry_count(data)[0], breakage
    assert set(data.get("kinds", {})) <= set(loaded.kinds), breakage
    pytest.fail(f"{breakage}: a broken pack loaded without an error")


def test_a_pack_with_two_ids_of_the_same_name_is_refused(tmp_path):
    path = builtin_pack_dir() / "coupang.toml"
    lines = path.read_text(encoding="utf-8").split("\n")
    s, e = blocks(lines, "ids")[0]
    data = "\n".join(lines + [""] + lines[s : e + 1]).encode("utf-8")
    with pytest.raises(DataFileError) as info:
        load_pack_copy(tmp_path, path, data)
    assert Path(info.value.path).name == "coupang.toml" and info.value.line and info.value.line > len(lines)


@pytest.mark.parametrize("regex, why", [("(\\d+", "invalid"), ("[0-9", "invalid")])
def test_an_invalid_id_pattern_is_a_file_line_error(tmp_path, regex, why):
    path = builtin_pack_dir() / "coupang.toml"
    text = path.read_text(encoding="utf-8")
    line_no = next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith("pattern = "))
    broken = "\n".join(
        f"pattern = '{regex}'" if i == line_no else line for i, line in enumerate(text.split("\n"), 1)
    )
    with pytest.raises(DataFileError) as info:
        load_pack_copy(tmp_path, path, broken.encode("utf-8"))
    assert (Path(info.value.path).name, info.value.line) == ("coupang.toml", line_no)
    assert "regular expression" in info.value.message


def test_a_backtracking_relative_date_regex_is_refused(tmp_path):
    path = builtin_pack_dir() / "general.toml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace('"re:(?<![\\\\d.])\\\\d{1,3}\\\\s*(?:days?|weeks?|hours?)\\\\s+ago"', '"re:(\\\\w+\\\\s?)+ago"')
    assert broken != text
    with pytest.raises(DataFileError) as info:
        load_pack_copy(tmp_path, path, broken.encode("utf-8"))
    assert Path(info.value.path).name == "general.toml" and info.value.line


def test_an_empty_base_pack_is_a_file_error_and_an_empty_platform_pack_inherits_everything(tmp_path):
    with pytest.raises(DataFileError) as info:
        load_pack_copy(tmp_path, builtin_pack_dir() / "general.toml", b"")
    assert Path(info.value.path).name == "general.toml"
    shutil.rmtree(tmp_path / "packs")
    load_pack_copy(tmp_path, builtin_pack_dir() / "coupang.toml", b"")
    general = load_packs()["general"]
    assert load_packs((tmp_path / "packs",))["coupang"].ids == general.ids  # nothing of its own, nothing lost


@pytest.mark.parametrize("old, new", [
    ("[kinds.chargeback]", "[kinds]\nchargeback = \"3 business days\""),
    ("[pack]", "language = \"en\"\n[pack]"),
])
def test_a_pack_table_replaced_by_a_string_is_a_file_line_error(tmp_path, old, new):
    path = builtin_pack_dir() / "coupang.toml"
    text = path.read_text(encoding="utf-8").replace('[language]\nallowed = ["en", "ko"]\n', "")
    line_no = text.split("\n").index(old) + 1
    with pytest.raises(DataFileError) as info:
        load_pack_copy(tmp_path, path, text.replace(old, new, 1).encode("utf-8"))
    assert Path(info.value.path).name == "coupang.toml"
    assert info.value.line in (line_no, line_no + 1), str(info.value)
    assert "must be a table" in info.value.message


@pytest.mark.parametrize("old, new", [("[language]", "[langauge]"), ("[kinds.return-dispute]", "[kinds.return-dispute]\nmax_char = 5")])
def test_a_misspelt_pack_table_or_key_is_a_file_line_error(tmp_path, old, new):
    path = builtin_pack_dir() / "coupang.toml"
    text = path.read_text(encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_pack_copy(tmp_path, path, text.replace(old, new, 1).encode("utf-8"))
    assert Path(info.value.path).name == "coupang.toml" and info.value.line


# --- glossaries ----------------------------------------------------------------------------------

def glossary_problems(tmp_path: Path, path: Path, data: bytes):
    target = tmp_path / "glossaries" / path.name
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(data)
    files, _morph, problems = read_files([target], PLATFORMS)
    return target, files, [p for p in problems if p.severity == "error"]


GLOSSARY_CASES = [
    pytest.param(path, b, id=f"{path.stem}: {b.name}")
    for path in GLOSSARY_FILES
    for b in breakages(path, "entry", ("id",))
]


@pytest.mark.parametrize("path, breakage", GLOSSARY_CASES)
def test_broken_glossary_is_a_file_line_problem_or_keeps_every_entry(tmp_path, path, breakage):
    target, files, problems = glossary_problems(tmp_path, path, breakage.data)
    if problems:
        first = problems[0]
        assert_error_in_region(first.path, first.line, target, breakage, str(first))
        return
    text = breakage.data.decode("utf-8")
    entries = sum(len(f.entries) for f in files if hasattr(f, "entries"))
    assert entries == len(blocks(text.split("\n"), "entry")), breakage
    pytest.fail(f"{breakage}: a broken glossary loaded without an error")


@pytest.mark.parametrize("path", GLOSSARY_FILES, ids=lambda p: p.stem)
def test_an_empty_glossary_file_is_a_file_error(tmp_path, path):
    target, _files, problems = glossary_problems(tmp_path, path, b"")
    assert problems and Path(problems[0].path) == target


GLOSSARY_SHAPES = [
    # (what, old, new): applied to the first line of general.toml or off-platform.toml holding `old`
    ("scope table replaced by a string", re.compile(r"scope = \{.*\}"), 'scope = "coupang"'),
    ("avoided form replaced by a number", re.compile(r'avoid = \["[^"]+"'), "avoid = [42"),
    ("self-test table replaced by a number", re.compile(r"^(\s*)\{ text = \"[^\"]*\"[^}]*\}"), "  42"),
    ("invalid regex form", re.compile(r"form = '\(\?<!\[\\w\.%\+-\]\)"), "form = '(?<![\\w.%+-]"),
    ("backtracking regex form", re.compile(r"form = '\(\?<!\[\\w\.%\+-\]\)\[\\w\.%\+-\]\+@"), "form = '(?<![\\w.%+-])(\\w+\\.?)+@"),
]


@pytest.mark.parametrize("what, old, new", GLOSSARY_SHAPES, ids=[s[0] for s in GLOSSARY_SHAPES])
def test_a_broken_glossary_value_is_a_problem_on_its_line(tmp_path, what, old, new):
    for path in GLOSSARY_FILES:
        lines = path.read_text(encoding="utf-8").split("\n")
        hit = next((i for i, line in enumerate(lines) if old.search(line)), None)
        if hit is not None:
            break
    else:
        pytest.fail(f"no shipped glossary line matches {old.pattern}")
    lines[hit] = old.sub(lambda m: new, lines[hit], count=1)
    target, files, problems = glossary_problems(tmp_path, path, "\n".join(lines).encode("utf-8"))
    assert problems, f"{what} in {path.name}:{hit + 1} loaded without a problem"
    assert Path(problems[0].path) == target and problems[0].line == hit + 1, str(problems[0])
