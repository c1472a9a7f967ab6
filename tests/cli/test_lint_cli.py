"""`replydesk lint`: formats, exit codes, --fix, config, and bad input that must never crash."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from replydesk.linting.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "linting" / "examples"
SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

CLEAN = "Order 22000009546234 was delivered on 2024-05-12 14:22 KST; proof of delivery attached.\n"
BAD = """+++
platform = "coupang"
order_ids = ["22000009546234"]
+++
Order 22000009546235 was delivered at 14:22! The recipient signed for the parcel.
"""


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    """Run the CLI in-process from an empty directory; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def go(*argv: str):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return go


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def test_clean_reply_exits_zero_and_says_so(run, tmp_path):
    p = write(tmp_path, "ok.txt", CLEAN)
    code, out, err = run("lint", str(p))
    assert code == 0
    assert "All checks passed" in out
    assert err == ""


def test_text_output_is_path_line_col_code_message_with_suggestion(run, tmp_path):
    p = write(tmp_path, "bad.txt", BAD)
    code, out, _ = run("lint", str(p))
    assert code == 1
    lines = out.splitlines()
    assert f"{p}:5:7: ID001 Coupang order ID (주문번호) 22000009546235 is not one of this case's IDs (22000009546234)" in lines
    assert lines[lines.index(next(l for l in lines if ": ID001 " in l)) + 1] == "  → 22000009546234"
    assert f"{p}:5:39: TIME001 time '14:22' has no time zone; platform deadlines run in KST" in lines
    assert lines[-1].startswith("Found ") and "fixable with --fix" in lines[-1]


def test_warnings_alone_exit_zero_unless_threshold_lowered(run, tmp_path):
    p = write(tmp_path, "warn.txt", CLEAN.replace("KST", "KST!").replace(";", ";"))
    assert run("lint", str(p))[0] == 0
    assert run("lint", "--fail-on", "warning", str(p))[0] == 1


def test_json_output_has_one_object_per_file_with_the_finding_schema(run, tmp_path):
    a = write(tmp_path, "a.txt", BAD)
    b = write(tmp_path, "b.txt", CLEAN)
    code, out, _ = run("lint", "--format", "json", str(a), str(b))
    data = json.loads(out)
    assert [d["path"] for d in data] == [str(a), str(b)]
    assert data[1]["findings"] == []
    f = next(f for f in data[0]["findings"] if f["rule"] == "ID001")
    assert f == {
        "rule": "ID001", "category": "id", "severity": "error",
        "message": "Coupang order ID (주문번호) 22000009546235 is not one of this case's IDs (22000009546234)",
        "line": 5, "column": 7, "end_line": 5, "end_column": 21, "suggestion": "22000009546234",
    }
    assert code == 1


def test_sarif_output_validates_against_the_2_1_0_schema(run, tmp_path):
    p = write(tmp_path, "bad.txt", BAD)
    missing = tmp_path / "missing.txt"
    _, out, _ = run("lint", "--format", "sarif", str(p), str(missing))
    doc = json.loads(out)
    jsonschema.validate(doc, SARIF_SCHEMA)
    results = doc["runs"][0]["results"]
    id001 = next(r for r in results if r["ruleId"] == "ID001")
    assert id001["level"] == "error"
    assert id001["locations"][0]["physicalLocation"]["region"] == {"startLine": 5, "startColumn": 7, "endLine": 5, "endColumn": 21}
    assert id001["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "22000009546234"
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert rules[id001["ruleIndex"]]["id"] == "ID001"
    assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_github_output_is_workflow_annotations(run, tmp_path):
    p = write(tmp_path, "bad.txt", BAD)
    _, out, _ = run("lint", "--format", "github", str(p))
    line = next(l for l in out.splitlines() if "title=ID001" in l)
    assert line.startswith(f"::error file={p},line=5,col=7,endLine=5,endColumn=21,title=ID001::")
    assert "::warning " in out  # TIME001 and TONE004 are warnings


def test_stdin_is_linted_with_dash(run, tmp_path, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BAD.encode()), encoding="utf-8"))
    code, out, _ = run("lint", "-")
    assert code == 1
    assert "-:5:7: ID001" in out


def test_directories_are_linted_recursively(run, tmp_path):
    write(tmp_path, "q/drafts/a.txt", CLEAN)
    write(tmp_path, "q/more/b.md", BAD)
    write(tmp_path, "q/notes.json", "{}")
    code, out, _ = run("lint", "--format", "json", str(tmp_path / "q"))
    paths = sorted(Path(d["path"]).name for d in json.loads(out))
    assert paths == ["a.txt", "b.md"]


def test_queue_draft_takes_context_from_its_case_file(run, tmp_path):
    write(tmp_path, "q/cases/C1.json", json.dumps({"id": "C1", "platform": "coupang", "kind": "return-dispute",
                                                   "order_ids": ["22000009546234"], "subject": "x"}))
    p = write(tmp_path, "q/drafts/C1.txt", "Order 22000009546299 was delivered on 2024-05-12 14:22 KST; proof of delivery attached.\n")
    _, out, _ = run("lint", str(p))
    assert "ID001" in out and "22000009546234" in out


def test_parallel_batch_gives_exactly_the_serial_output(run, tmp_path):
    folder = tmp_path / "many"
    for i in range(210):
        write(folder, f"d{i:03d}.txt", BAD if i % 3 else CLEAN)
    _, serial, _ = run("lint", "-j", "1", "--format", "json", str(folder))
    _, parallel, _ = run("lint", "-j", "2", "--format", "json", str(folder))
    assert json.loads(serial) == json.loads(parallel)
    assert len(json.loads(parallel)) == 210


def test_select_and_ignore_filter_rules(run, tmp_path):
    p = write(tmp_path, "bad.txt", BAD)
    _, out, _ = run("lint", "--format", "json", "--select", "TIME", str(p))
    assert {f["rule"] for f in json.loads(out)[0]["findings"]} == {"TIME001"}
    _, out, _ = run("lint", "--format", "json", "--ignore", "TIME,TONE004", str(p))
    rules = {f["rule"] for f in json.loads(out)[0]["findings"]}
    assert "TIME001" not in rules and "TONE004" not in rules and "ID001" in rules


def test_unknown_rule_code_is_a_usage_error(run, tmp_path):
    p = write(tmp_path, "ok.txt", CLEAN)
    code, _, err = run("lint", "--select", "NOPE9", str(p))
    assert code == 2 and "unknown rule code or prefix: NOPE9" in err


def test_statistics_counts_per_rule(run, tmp_path):
    p = write(tmp_path, "bad.txt", BAD)
    q = write(tmp_path, "bad2.txt", BAD)
    _, out, _ = run("lint", "--statistics", str(p), str(q))
    row = next(l for l in out.splitlines() if "ID001" in l)
    assert row.split()[0] == "2"


def test_quiet_drops_the_summary(run, tmp_path):
    p = write(tmp_path, "bad.txt", BAD)
    _, out, _ = run("lint", "--quiet", str(p))
    assert "Found" not in out and "ID001" in out


def test_fix_rewrites_only_when_asked_and_atomically(run, tmp_path):
    p = write(tmp_path, "bad.txt", BAD)
    before = p.read_text(encoding="utf-8")
    run("lint", str(p))
    assert p.read_text(encoding="utf-8") == before  # never touched without --fix
    code, out, _ = run("lint", "--fix", str(p))
    after = p.read_text(encoding="utf-8")
    assert "Order 22000009546235 was delivered at 14:22. The recipient signed" in after  # IDs are not safe fixes
    assert after.startswith("+++\nplatform")  # front matter kept byte for byte
    assert "Fixed 1 problem." in out
    assert code == 1  # the wrong order ID is still there
    code, out, _ = run("lint", "--fix", "--unsafe-fixes", str(p))
    assert "Order 22000009546234 was delivered at 14:22." in p.read_text(encoding="utf-8")
    assert "Fixed 1 problem." in out
    assert not [x for x in tmp_path.iterdir() if x.name.startswith(".bad.txt")]  # no temp file left
    assert code == 0  # the remaining finding (TIME001) is a warning


def test_fix_refuses_stdin(run):
    code, _, err = run("lint", "--fix", "-")
    assert code == 2 and "--fix cannot rewrite stdin" in err


# --- bad input: a one-line error naming the file, exit 2, other files still linted ---

def test_missing_file_is_reported_and_others_still_linted(run, tmp_path):
    p = write(tmp_path, "bad.txt", BAD)
    code, out, _ = run("lint", str(tmp_path / "nope.txt"), str(p))
    assert code == 2
    assert f"{tmp_path / 'nope.txt'}: error: no such file or directory" in out
    assert "ID001" in out


def test_non_utf8_file_names_file_and_line(run, tmp_path):
    p = write(tmp_path, "gbk.txt", "first line\n".encode() + "订单已签收".encode("gbk"))
    code, out, _ = run("lint", str(p))
    assert code == 2
    assert out.splitlines()[0].startswith(f"{p}:2: error: not valid UTF-8")


def test_binary_file_is_refused(run, tmp_path):
    p = write(tmp_path, "img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    code, out, _ = run("lint", str(p))
    assert code == 2 and "binary file" in out


def test_broken_front_matter_reports_the_file_line(run, tmp_path):
    p = write(tmp_path, "fm.txt", '+++\nplatform = "coupang"\norder_ids = [1, \n+++\nHello there, the order was delivered.\n')
    code, out, _ = run("lint", str(p))
    assert code == 2
    assert out.splitlines()[0].startswith(f"{p}:4: error: front matter:")


def test_unclosed_front_matter(run, tmp_path):
    p = write(tmp_path, "fm.txt", '+++\nplatform = "coupang"\nThe order was delivered.\n')
    code, out, _ = run("lint", str(p))
    assert code == 2 and f"{p}:1: error: front matter opened" in out


def test_unknown_platform_and_kind_list_the_valid_ones(run, tmp_path):
    p = write(tmp_path, "u.txt", '+++\nplatform = "ebay"\n+++\nThe order was delivered on 2024-05-12 14:22 KST.\n')
    code, out, _ = run("lint", str(p))
    assert code == 2
    assert f"{p}:2: error: platform: unknown platform 'ebay' (known: amazon, coupang, general, shopee, tiktok)" in out
    q = write(tmp_path, "k.txt", '+++\nplatform = "coupang"\nkind = "refund"\n+++\nThe order was delivered.\n')
    code, out, _ = run("lint", str(q))
    assert "unknown kind 'refund' (known: atoz-review, cancellation-appeal, chargeback, general, notice-of-action, policy-notice, return-dispute)" in out


def test_unknown_front_matter_key_is_named(run, tmp_path):
    p = write(tmp_path, "t.txt", '+++\nplatfrom = "coupang"\n+++\nThe order was delivered.\n')
    code, out, _ = run("lint", str(p))
    assert code == 2 and f"{p}:2: error: platfrom: unknown key" in out


def test_unknown_platform_flag_is_a_usage_error(run, tmp_path):
    p = write(tmp_path, "ok.txt", CLEAN)
    code, _, err = run("lint", "--platform", "ebay", str(p))
    assert code == 2 and "unknown platform 'ebay'" in err


def test_five_megabyte_draft_is_refused_quickly(run, tmp_path):
    import time

    p = write(tmp_path, "huge.txt", "가" * 5_000_000)
    start = time.perf_counter()
    code, out, _ = run("lint", str(p))
    assert time.perf_counter() - start < 5
    assert code == 2 and "limit is 1,000,000" in out


def test_broken_case_file_is_reported_with_its_line(run, tmp_path):
    case = write(tmp_path, "case.json", '{\n  "platform": "coupang",\n  "order_ids": 5.5\n}')
    p = write(tmp_path, "ok.txt", CLEAN)
    code, _, err = run("lint", "--case", str(case), str(p))
    assert code == 2 and f"{case}:3: order_ids: must be a string, an integer or a list" in err
    bad_json = write(tmp_path, "bad.json", '{"platform": "coupang",\n "kind": }')
    code, _, err = run("lint", "--case", str(bad_json), str(p))
    assert code == 2 and f"{bad_json}:2:" in err and "invalid JSON" in err


# --- config ------------------------------------------------------------------

def test_config_is_found_upward_and_applied(run, tmp_path, monkeypatch):
    write(tmp_path, "replydesk.toml", 'ignore = ["TIME001"]\n[severity]\nTONE004 = "error"\n')
    p = write(tmp_path, "sub/dir/bad.txt", BAD)
    monkeypatch.chdir(tmp_path / "sub" / "dir")
    code = main(["lint", "--format", "json", str(p)])
    assert code == 1


def test_pyproject_tool_section_is_read(run, tmp_path, capsys):
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n[tool.replydesk]\nselect = ["ID"]\n')
    p = write(tmp_path, "bad.txt", BAD)
    _, out, _ = run("lint", "--format", "json", str(p))
    assert {f["rule"] for f in json.loads(out)[0]["findings"]} == {"ID001"}


def test_severity_override_changes_exit_code(run, tmp_path):
    write(tmp_path, "replydesk.toml", '[severity]\nID001 = "info"\n')
    p = write(tmp_path, "bad.txt", BAD)
    code, out, _ = run("lint", "--format", "json", str(p))
    f = next(f for f in json.loads(out)[0]["findings"] if f["rule"] == "ID001")
    assert f["severity"] == "info"
    assert code == 0


def test_bad_config_names_file_and_line(run, tmp_path):
    cfg = write(tmp_path, "replydesk.toml", 'select = ["ID"]\n\n[severity]\nID001 = "loud"\n')
    p = write(tmp_path, "ok.txt", CLEAN)
    code, _, err = run("lint", str(p))
    assert code == 2
    assert f"config: {cfg}:4: unknown severity 'loud'" in err


def test_extra_pack_directory_from_config(run, tmp_path):
    write(tmp_path, "packs/ebay.toml", '[pack]\ntitle = "eBay"\n[language]\nallowed = ["en"]\n')
    write(tmp_path, "replydesk.toml", 'pack_dirs = ["packs"]\n')
    p = write(tmp_path, "e.txt", '+++\nplatform = "ebay"\n+++\nThe order was delivered on 2024-05-12 14:22 KST with tracking.\n')
    code, out, _ = run("lint", str(p))
    assert code == 0, out


def test_broken_user_pack_names_its_file_and_line(run, tmp_path):
    pack = write(tmp_path, "packs/ebay.toml", '[pack]\ntitle = "eBay"\n\n[language]\nallowed = ["en", "fr"]\n')
    write(tmp_path, "replydesk.toml", 'pack_dirs = ["packs"]\n')
    p = write(tmp_path, "ok.txt", CLEAN)
    code, _, err = run("lint", str(p))
    assert code == 2
    assert f"{pack}:5: unknown language 'fr'" in err


# --- rules / explain -------------------------------------------------------

def test_rules_lists_every_code_with_category_and_severity(run):
    code, out, _ = run("rules")
    assert code == 0
    row = next(l for l in out.splitlines() if l.startswith("LANG001"))
    assert row.split()[:3] == ["LANG001", "language", "error"]
    code, out, _ = run("rules", "--format", "json")
    codes = {r["code"] for r in json.loads(out)}
    assert {"KEY001", "LANG001", "TERM001", "ID001", "ATT006", "TPL001", "POL001"} <= codes


def test_explain_prints_why_and_the_rules_own_fixtures(run):
    code, out, _ = run("explain", "tone003")
    assert code == 0
    assert out.startswith("TONE003 (tone, error)")
    assert "Seller Policy 2.1" in out
    flagged, allowed = out.split("Flagged ([…] marks the span):")[1].split("Not flagged (allowed):")
    assert "[Your system made a mistake]" in flagged and "[알고리즘]" in flagged and "[机器审核]" in flagged
    # What operators may write, from the negative fixtures, in English, Korean and Chinese.
    assert "a system error in our own ERP" in allowed and "당사 시스템 오류로" in allowed and "我们的ERP系统" in allowed


def test_explain_shows_that_asking_the_platform_to_cancel_a_claim_is_allowed(run):
    code, out, _ = run("explain", "POL003")
    allowed = out.split("Not flagged (allowed):")[1]
    assert code == 0 and "We request that Coupang cancel the claim" in allowed and "클레임 취소를 요청드립니다" in allowed


def test_explain_lists_references_a_user_can_open_and_prints_them(run):
    code, out, _ = run("explain", "POL003")
    refs = out.split("References:")[1]
    assert code == 0 and "seed" not in out
    assert "coupang-chargeback-disputes: Coupang chargebacks and disputes" in refs
    code, page, _ = run("explain", "--reference", "coupang-chargeback-disputes")
    assert code == 0 and page.startswith("# Coupang chargebacks") and "在争议期内私自联系买家撤诉" in page
    code, _, err = run("explain", "--reference", "nope")
    assert code == 2 and "unknown reference 'nope'" in err


def test_explain_unknown_code(run):
    code, _, err = run("explain", "XYZ999")
    assert code == 2 and "unknown rule 'XYZ999'" in err


# --- the installed console script ------------------------------------------

def test_console_script_colour_only_on_a_terminal_and_never_with_no_color(tmp_path):
    p = write(tmp_path, "bad.txt", BAD)
    exe = Path(sys.executable).with_name("replydesk")
    env = dict(os.environ, NO_COLOR="1")
    out = subprocess.run([str(exe), "lint", str(p)], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 1 and "\x1b[" not in out.stdout
    out = subprocess.run([str(exe), "lint", "--color", "always", str(p)], capture_output=True, text=True, timeout=60)
    assert "\x1b[" in out.stdout


def test_lint_path_imports_neither_spacy_nor_textual(tmp_path):
    p = write(tmp_path, "ok.txt", CLEAN)
    code = (
        "import sys\n"
        "from replydesk.tui.entry import main\n"
        f"rc = main(['lint', '--quiet', {str(p)!r}])\n"
        "print('HEAVY', sorted(m for m in ('spacy', 'textual', 'langdetect') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_a_front_matter_mistake_inside_a_list_is_placed_on_its_own_line(run, tmp_path):
    """The one locator reaches into inline arrays: the bad attachment's line, not `attachments = [`; a BOM shifts nothing."""
    p = write(tmp_path, "bom.txt", "\ufeff+++\nplatform = \"coupang\"\nattachments = [\n  \"a.jpg\",\n  { name = \"b.jpg\", bytes = -3 },\n]\n+++\nHello.\n")
    code, out, _ = run("lint", str(p))
    assert code == 2 and f"{p}:5: error: attachments[2].bytes: must not be negative" in out


def test_lint_counts_a_follow_up_against_the_clock_unless_the_draft_pins_drafted_at(run, tmp_path):
    """FUP002 needs "now": `lint` takes its own clock; front matter's `drafted_at` lints as of a date."""
    from datetime import datetime, timedelta, timezone

    sent = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    case = write(tmp_path, "case.json", json.dumps({
        "platform": "amazon", "kind": "general", "case_ids": ["12345678901"],
        "history": [{"who": "platform", "when": "2024-05-17T09:00:00+09:00", "text": "Case 12345678901: confirm the ship date."},
                    {"who": "seller", "when": sent, "text": "Case 12345678901: shipped on 2024-05-16 11:00 KST."}],
    }))
    draft = write(tmp_path, "follow-up.txt", "Could you confirm that the ship date for case 12345678901 was received?")
    code, out, _ = run("lint", "--case", str(case), "--format", "json", str(draft))
    assert "FUP002" in [f["rule"] for f in json.loads(out)[0]["findings"]], out
    pinned = write(tmp_path, "later.txt", "+++\ndrafted_at = 2099-01-05T10:00:00+09:00\n+++\n"
                   "Could you confirm that the ship date for case 12345678901 was received?")
    code, out, _ = run("lint", "--case", str(case), "--format", "json", str(pinned))
    assert "FUP002" not in [f["rule"] for f in json.loads(out)[0]["findings"]], out
