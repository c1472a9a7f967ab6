"""`replydesk glossary check|find|stats|add`, run through the real command line."""
from __future__ import annotations

import json
import shutil

import pytest

from replydesk.linting.cli import main
from replydesk.linting.loading import builtin_glossary_dir


@pytest.fixture
def copy_of_shipped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no replydesk.toml here: built-in packs only
    folder = tmp_path / "g"
    shutil.copytree(builtin_glossary_dir(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def run(capsys, *argv):
    code = main(["glossary", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def line_of(path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


# -- check ----------------------------------------------------------------------------


def test_check_passes_on_the_shipped_glossaries(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "check")
    assert code == 0, out + err
    assert out.strip().startswith("0 error(s), 0 warning(s) in 9 file(s)")


def test_check_fails_on_a_broken_self_test_with_its_file_and_line(capsys, copy_of_shipped):
    path = copy_of_shipped / "coupang.toml"
    text = path.read_text(encoding="utf-8").replace(
        '{ text = "The buyer requested a [retrun].", suggestion = "return" }',
        '{ text = "The buyer requested a [return].", suggestion = "return" }',
    )
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "check", str(copy_of_shipped))
    assert code == 1
    line = line_of(path, "The buyer requested a [return].")
    assert f"{path}:{line}:5: error self-test: coupang:return: must_flag 1 (coupang/general): 'return' was not flagged" in out


def test_check_fails_on_a_schema_error_with_file_line_and_column(capsys, copy_of_shipped):
    path = copy_of_shipped / "tone.toml"
    text = path.read_text(encoding="utf-8").replace('id = "threats"\nrule = "TONE002"', 'id = "threats"\nrule = "TONE02"')
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    line = line_of(path, 'rule = "TONE02"')
    assert f"{path}:{line}:1: error schema: 'rule' must be a rule code such as TERM001 or TONE002" in out


def test_check_finds_a_duplicate_across_copied_files(capsys, copy_of_shipped):
    extra = copy_of_shipped / "mine.toml"
    extra.write_text(
        '[glossary]\nname = "mine"\nlanguages = ["en"]\nplatforms = ["coupang"]\n\n[[entry]]\nid = "late"\n'
        'en = "late shipment"\nreason = "r"\navoid = ["delivery delay"]\n'
        'must_flag = [{ text = "x [delivery delay]", suggestion = "late shipment" }]\nmust_pass = ["ok"]\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "check", str(copy_of_shipped))
    assert code == 1
    assert f"{extra}:10:10: error duplicate: 'delivery delay' is already flagged by coupang:shipping-delay (coupang.toml:" in out


def test_check_json_output(capsys, copy_of_shipped):
    path = copy_of_shipped / "vague.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"probably", "maybe"', '"maybe", "maybe"'), encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", str(path))
    data = json.loads(out)
    # The doubled form, and the self-test that pinned the form it replaced.
    assert code == 1 and data["summary"]["errors"] == 2
    first, second = data["problems"]
    assert (first["check"], first["entry"], first["line"]) == ("duplicate", "vague:vague-en", line_of(path, '"maybe", "maybe"'))
    assert first["message"] == "'maybe' is listed twice in entry 'vague-en'"
    assert (second["check"], second["line"]) == ("self-test", line_of(path, "[probably]"))


def test_check_of_a_missing_file_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "check", str(tmp_path / "nope.toml"))
    assert code == 2 and "no such file or directory" in err


# -- find, stats -------------------------------------------------------------------------


def test_find_is_fuzzy_over_every_language(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "find", "invoce number", "--limit", "1")
    assert code == 0 and "coupang:waybill-number" in out and "coupang.toml:" in out
    code, out, _ = run(capsys, "find", "물류센터", "--limit", "1")
    assert "coupang:fulfillment-center" in out
    code, out, _ = run(capsys, "find", "运单号", "--limit", "1", "--format", "json")
    found = json.loads(out)[0]
    assert found["entry"] == "coupang:waybill-number" and found["line"] > 1


def test_stats_lists_files_coverage_and_entries_without_sources(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "stats", "-v")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("coupang.toml"))
    assert "ko:64 en:64" in row
    assert "without sources: late-dispatch, receipt, undelivered, personal-customs-clearance-code" in out
    code, out, _ = run(capsys, "stats", "--format", "json")
    tone = next(r for r in json.loads(out) if r["path"].endswith("tone.toml"))
    assert tone["use"] == "words" and set(tone["languages"]) == {"ko", "en", "zh"}
    assert all(count >= 3 for count in tone["languages"].values())


# -- add ----------------------------------------------------------------------------------

ADD_FILE = """# My team's terms. Keep this comment.
[glossary]
name = "mine"   # inline comment stays too
languages = ["ko", "en"]
platforms = ["coupang"]

[[entry]]
id = "first"
en = "first term"
"""


def test_add_appends_an_entry_keeping_comments_and_layout(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "mine.toml"
    path.write_text(ADD_FILE, encoding="utf-8")
    code, out, err = run(
        capsys, "add", str(path), "--id", "parcel", "--en", "parcel", "--ko", "소포", "--avoid", "package box",
        "--reason", "say parcel", "--source", "team style guide", "--flag", "The [package box] arrived.",
        "--pass", "The parcel arrived.",
    )
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert text.startswith(ADD_FILE)  # every existing byte kept
    assert "recorded suggestion 'parcel'" in out
    added = text[len(ADD_FILE):]
    assert '[[entry]]\nid = "parcel"' in added and 'suggestion = "parcel"' in added
    code, out, _ = run(capsys, "check", str(path))
    assert "0 error(s)" in out


def test_add_refuses_an_entry_whose_self_test_fails_and_leaves_the_file_alone(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "mine.toml"
    path.write_text(ADD_FILE, encoding="utf-8")
    code, _, err = run(
        capsys, "add", str(path), "--id", "parcel", "--en", "parcel", "--avoid", "package box", "--reason", "r",
        "--flag", "The [package] arrived.", "--pass", "ok",
    )
    assert code == 1 and "'package' was not flagged" in err and "is unchanged" in err
    assert path.read_text(encoding="utf-8") == ADD_FILE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.toml"]  # no temporary file left behind


def test_add_refuses_a_duplicate_id(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "mine.toml"
    path.write_text(ADD_FILE, encoding="utf-8")
    code, _, err = run(capsys, "add", str(path), "--id", "first", "--en", "other")
    assert code == 1 and "duplicate entry id 'first'" in err
    assert path.read_text(encoding="utf-8") == ADD_FILE


def test_add_dry_run_validates_without_writing(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "mine.toml"
    path.write_text(ADD_FILE, encoding="utf-8")
    code, out, _ = run(capsys, "add", str(path), "--id", "second", "--en", "second term", "--dry-run")
    assert code == 0 and "would add mine:second" in out
    assert path.read_text(encoding="utf-8") == ADD_FILE


def test_add_korean_entry_in_a_directory_without_a_particle_list(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "mine.toml"
    path.write_text(ADD_FILE, encoding="utf-8")
    code, _, err = run(
        capsys, "add", str(path), "--id", "center", "--ko", "물류센터", "--avoid", "풀필먼트 센터", "--reason", "r",
        "--flag", "[풀필먼트 센터]에서 출고", "--expect", "물류센터", "--pass", "물류센터에서 출고",
    )
    assert code == 0, err  # 에서 is known from the built-in particle list


HOSTILE_TERM = '''
[glossary]
name = "planted"
platforms = ["coupang"]
languages = ["en"]
use = "terms"
rule = "TERM001"

[[entry]]
id = "evil"
en = "parcel\\u001b]52;c;aGk=\\u0007"
avoid = [{ form = "pkg\\n::error file=x::pwned", reason = "r\\u001b]0;title\\u0007" }]
must_flag = [{ text = "a [pkg] b" }]
'''


def test_glossary_output_shows_control_characters_from_term_files_visibly(capsys, tmp_path, monkeypatch):
    """A term file is data someone else wrote: ESC never reaches the terminal and a newline in
    a form never starts a `::error` line in CI (text and JSON, check and find)."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "planted.toml"
    path.write_text(HOSTILE_TERM, encoding="utf-8")
    outputs = [run(capsys, "check", str(path)), run(capsys, "check", str(path), "--format", "json")]
    outputs += [run(capsys, "find", "parcel", str(path)), run(capsys, "find", "pkg", str(path), "--format", "json")]
    assert "␛]52" in outputs[2][1]  # found, and shown visibly
    for code, out, err in outputs:
        text = out + err
        assert "\x1b" not in text and "\x07" not in text, text
        assert not any(line.lstrip().startswith("::") for line in text.splitlines()), text
    assert outputs[0][0] != 0  # the self-test fails: the check says so, visibly
