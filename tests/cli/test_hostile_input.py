"""`replydesk lint` against hostile input and faults (issue 11).

Every test here runs the linter the way an attacker or bad luck would:
control characters in names and quoted spans, special files, endless
streams, millions of findings, deep nesting, -j 500, failed forks and a
writer racing `--fix`. Hang and memory cases run in real subprocesses
with a timeout and an address-space limit, so a regression fails the test
instead of taking the machine down.
"""
from __future__ import annotations

import json
import os
import re
import resource
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

from replydesk.linting.cli import main

SARIF_SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

MiB = 1024 * 1024
CLEAN = "Order 22000009546234 was delivered on 2024-05-12 14:22 KST; proof of delivery attached.\n"
ESC = "\x1b"
# A file name and an attachment name a buyer or a careless script could produce:
# a newline followed by a workflow command, an OSC 52 clipboard write, a C1 CSI.
EVIL_NAME = "reply\n::error file=x::pwned\n::add-mask::secret\x1b]52;c;Zm9v\x07\x9b2J.txt"
EVIL_ATTACHMENT = "proof\x1b]52;c;Zm9v\x07\x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\.png"
EVIL_DRAFT = (
    "+++\n"
    'platform = "coupang"\n'
    f"attachments = [{json.dumps(EVIL_ATTACHMENT)}]\n"
    'order_ids = ["22000009546234"]\n'
    "+++\n"
    "Order 22000009546235 was delivered on 2024-05-12 14:22 KST, see the attached photo.\n"
)


def lint_process(*args: str, stdin=None, timeout: float = 60, memory: int = 1536 * MiB, prefix=(), cwd=None):
    """Run `replydesk lint ARGS` in a subprocess with bounded memory and time; (code, stdout, stderr) bytes."""

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    code = "import sys; from replydesk.linting.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.run(
        [*prefix, sys.executable, "-c", code, "lint", *args],
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
        preexec_fn=limit,
        cwd=cwd,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)

    def go(*argv: str):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return go


# --- 1. control characters and workflow commands ------------------------------------------

@pytest.fixture
def evil_file(tmp_path) -> Path:
    p = tmp_path / EVIL_NAME
    p.write_text(EVIL_DRAFT, encoding="utf-8")
    return p


def _no_raw_controls(data: bytes, *, allow: bytes = b"\n") -> None:
    text = data.decode("utf-8")
    bad = sorted({c for c in text if (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F) and c.encode() not in (allow,)})
    assert not bad, f"raw control characters in the output: {[hex(ord(c)) for c in bad]}"


def test_text_format_shows_controls_in_file_names_and_quoted_spans(evil_file, tmp_path):
    code, out, err = lint_process("--color", "never", str(evil_file), cwd=tmp_path)
    assert code == 1, err
    _no_raw_controls(out)
    text = out.decode()
    # A newline in the name is shown, so nothing after it starts a line of its own.
    assert not any(line.startswith("::") for line in text.splitlines())
    assert "reply␊::error file=x::pwned␊::add-mask::secret␛]52;c;Zm9v␇\\x9b2J.txt:" in text
    assert "proof␛]52;c;Zm9v␇" in text  # ATT004 quotes the attachment name


def test_text_format_with_colour_paints_only_its_own_escapes(evil_file, tmp_path):
    code, out, _ = lint_process("--color", "always", str(evil_file), cwd=tmp_path)
    assert code == 1
    for seq in re.findall(rb"\x1b[^m]*m?", out):
        assert re.fullmatch(rb"\x1b\[[0-9;]*m", seq), seq  # SGR colours only, never OSC


def test_github_format_cannot_be_split_into_extra_workflow_commands(evil_file, tmp_path):
    code, out, _ = lint_process("--format", "github", str(evil_file), cwd=tmp_path)
    assert code == 1
    _no_raw_controls(out)
    lines = out.decode().splitlines()
    assert lines and all(re.match(r"::(error|warning|notice) file=", line) for line in lines)
    assert not any("::add-mask::" in line.split("::", 2)[-1][:12] for line in lines)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_escape_every_control_and_keep_the_data_exact(evil_file, tmp_path, fmt):
    code, out, _ = lint_process("--format", fmt, str(evil_file), cwd=tmp_path)
    assert code == 1
    _no_raw_controls(out)
    assert b"\\u001b" in out and b"\\u009b" in out
    data = json.loads(out)
    if fmt == "json":
        assert data[0]["path"] == str(evil_file)
        assert any(EVIL_ATTACHMENT in f["message"] for f in data[0]["findings"])
    else:
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in data["runs"][0]["results"]}
        assert uris == {str(evil_file)}


def test_errors_about_a_file_show_controls_in_its_name(tmp_path):
    p = tmp_path / "bad\x1b]0;owned\x07.txt"
    p.write_bytes(b"\xff\xfe not utf-8")
    code, out, err = lint_process(str(p), cwd=tmp_path)
    assert code == 2
    _no_raw_controls(out + err)
    assert "bad␛]0;owned␇.txt" in out.decode()


def test_usage_errors_show_controls_in_the_names_they_quote(tmp_path):
    case = tmp_path / "case\x1b]52;c;Zm9v\x07.json"
    case.write_text("{nope", encoding="utf-8")
    ok = tmp_path / "ok.txt"
    ok.write_text(CLEAN, encoding="utf-8")
    code, out, err = lint_process("--case", str(case), str(ok), cwd=tmp_path)
    assert code == 2
    _no_raw_controls(out + err)
    assert "case␛]52;c;Zm9v␇.json" in err.decode()


# --- 2. inputs that hang or exhaust memory -------------------------------------------------

@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_an_endless_device_is_refused_as_not_a_regular_file(device, tmp_path):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    code, out, err = lint_process(device, timeout=30, memory=1024 * MiB, cwd=tmp_path)
    assert code == 2, err[-500:]
    assert f"{device}: error: not a regular file".encode() in out
    assert b"Traceback" not in err


def test_endless_stdin_reads_only_up_to_the_limit(tmp_path):
    with open("/dev/zero", "rb") as zero:
        code, out, err = lint_process("-", stdin=zero, timeout=30, memory=1024 * MiB, cwd=tmp_path)
    assert code == 2, err[-500:]
    assert b"-: error: " in out and b"limit is 1,000,000 characters" in out
    assert b"Traceback" not in err


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "draft.txt"
    os.mkfifo(fifo)
    code, out, err = lint_process(str(fifo), timeout=20, cwd=tmp_path)
    assert code == 2, err
    assert f"{fifo}: error: not a regular file".encode() in out


def test_a_directory_holding_a_fifo_reports_it_and_lints_the_rest(tmp_path):
    (tmp_path / "q").mkdir()
    os.mkfifo(tmp_path / "q" / "a.txt")
    (tmp_path / "q" / "b.txt").write_text(CLEAN, encoding="utf-8")
    code, out, err = lint_process(str(tmp_path / "q"), timeout=20, cwd=tmp_path)
    assert code == 2, err
    assert f"{tmp_path / 'q' / 'a.txt'}: error: not a regular file".encode() in out
    assert b"1 file could not be linted" in out


def _without_read_permission():
    """A command prefix under which mode 000 really denies access (root ignores it otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot drop the DAC override")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


@pytest.fixture
def locked_dir(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.txt").write_text(CLEAN, encoding="utf-8")
    locked.chmod(0)
    probe = subprocess.run([*_without_read_permission(), "ls", str(locked)], capture_output=True)
    if probe.returncode == 0:
        locked.chmod(0o700)
        pytest.skip("cannot make a directory unreadable here")
    yield locked
    locked.chmod(0o700)


def test_an_unreadable_directory_is_an_error_not_a_clean_run(locked_dir, tmp_path):
    ok = tmp_path / "ok.txt"
    ok.write_text(CLEAN, encoding="utf-8")
    code, out, err = lint_process(str(locked_dir), str(ok), prefix=_without_read_permission(), cwd=tmp_path)
    assert code == 2, (out, err)
    assert f"{locked_dir}: error: cannot read directory: Permission denied".encode() in out
    assert b"Traceback" not in err


def test_a_file_inside_an_unreadable_directory_is_an_error_not_a_traceback(locked_dir, tmp_path):
    ok = tmp_path / "ok.txt"
    ok.write_text(CLEAN, encoding="utf-8")
    target = locked_dir / "x.txt"
    code, out, err = lint_process(str(target), str(ok), prefix=_without_read_permission(), cwd=tmp_path)
    assert code == 2, (out, err)
    assert f"{target}: error: cannot read directory: Permission denied".encode() in out
    assert b"Traceback" not in err
    assert b"1 file could not be linted" in out


def test_a_queue_draft_whose_cases_directory_cannot_be_searched_is_an_error(tmp_path):
    queue = tmp_path / "queue"
    (queue / "drafts").mkdir(parents=True)
    (queue / "cases").mkdir()
    (queue / "cases" / "a.json").write_text('{"platform": "coupang"}', encoding="utf-8")
    (queue / "drafts" / "a.txt").write_text(CLEAN, encoding="utf-8")
    prefix = _without_read_permission()
    (queue / "cases").chmod(0)
    try:
        if subprocess.run([*prefix, "ls", str(queue / "cases")], capture_output=True).returncode == 0:
            pytest.skip("cannot make a directory unreadable here")
        code, out, err = lint_process(str(queue / "drafts" / "a.txt"), prefix=prefix, cwd=tmp_path)
    finally:
        (queue / "cases").chmod(0o700)
    assert code == 2, (out, err)
    assert b"Traceback" not in err
    assert b"a.json: cannot read directory: Permission denied" in out


# --- 3. a cap on findings --------------------------------------------------------------------

def test_findings_are_capped_per_rule_per_draft_and_the_rest_counted(run, tmp_path):
    p = tmp_path / "commas.txt"
    p.write_text("，" * 1000 + "\n", encoding="utf-8")
    code, out, _ = run("lint", str(p))
    assert sum(": LANG004 " in line for line in out.splitlines()) == 100
    assert f"{p}: … and 900 more LANG004 findings" in out

    code, out, _ = run("lint", "--format", "json", str(p))
    data = json.loads(out)
    assert sum(f["rule"] == "LANG004" for f in data[0]["findings"]) == 100
    assert data[0]["omitted"] == {"LANG004": 900}

    code, out, _ = run("lint", "--format", "sarif", str(p))
    jsonschema.validate(json.loads(out), SARIF_SCHEMA)
    run_ = json.loads(out)["runs"][0]
    assert sum(r["ruleId"] == "LANG004" for r in run_["results"]) == 100
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    assert any("900 more LANG004 findings" in n["message"]["text"] for n in notes)
    assert run_["invocations"][0]["executionSuccessful"] is True

    code, out, _ = run("lint", "--max-findings-per-rule", "10", "--format", "json", str(p))
    assert json.loads(out)[0]["omitted"] == {"LANG004": 990}


def test_the_cap_is_a_setting_in_the_config_file(run, tmp_path):
    (tmp_path / "replydesk.toml").write_text("max_findings_per_rule = 3\n", encoding="utf-8")
    p = tmp_path / "commas.txt"
    p.write_text("，" * 50 + "\n", encoding="utf-8")
    _, out, _ = run("lint", "--format", "json", str(p))
    assert json.loads(out)[0]["omitted"] == {"LANG004": 47}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_million_findings_stay_within_bounded_memory(tmp_path, fmt):
    p = tmp_path / "commas.txt"
    p.write_text("，" * 990_000 + "\n", encoding="utf-8")
    code, out, err = lint_process("--format", fmt, str(p), timeout=240, memory=1024 * MiB, cwd=tmp_path)
    assert code in (0, 1), err[-800:]  # LANG004 is a warning
    assert len(out) < 2 * MiB
    assert b"989,900 more LANG004 findings" in out or b'"LANG004": 989900' in out


# --- 4. deep nesting ----------------------------------------------------------------------------

DEEP = 5000


def test_deeply_nested_front_matter_is_one_file_error_and_the_batch_goes_on(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("+++\nplatform = \"coupang\"\nx = " + "[" * DEEP + "]" * DEEP + "\n+++\nHello.\n", encoding="utf-8")
    ok = tmp_path / "ok.txt"
    ok.write_text("，\n", encoding="utf-8")
    code, out, err = lint_process(str(bad), str(ok), timeout=60, cwd=tmp_path)
    assert code == 2, err[-800:]
    assert b"Traceback" not in err
    text = out.decode()
    assert re.search(rf"^{re.escape(str(bad))}:3: error: .*nest.*too deep", text, re.MULTILINE), text
    assert f"{ok}:1:1: LANG004" in text


def test_deeply_nested_case_json_is_a_file_line_error(tmp_path):
    case = tmp_path / "case.json"
    case.write_text('{\n "platform": "coupang",\n "x": ' + "[" * DEEP + "]" * DEEP + "\n}", encoding="utf-8")
    ok = tmp_path / "ok.txt"
    ok.write_text(CLEAN, encoding="utf-8")
    code, out, err = lint_process("--case", str(case), str(ok), timeout=60, cwd=tmp_path)
    assert code == 2
    assert b"Traceback" not in err
    assert re.search(rf"{re.escape(str(case))}:3: .*nest.*too deep", err.decode()), err.decode()


def test_a_deeply_nested_queue_case_file_stops_only_its_draft(tmp_path):
    queue = tmp_path / "queue"
    (queue / "drafts").mkdir(parents=True)
    (queue / "cases").mkdir()
    (queue / "cases" / "a.json").write_text('{"x": ' + "{\"y\": " * DEEP + "1" + "}" * DEEP + "}", encoding="utf-8")
    (queue / "drafts" / "a.txt").write_text(CLEAN, encoding="utf-8")
    (queue / "drafts" / "b.txt").write_text("，\n", encoding="utf-8")
    code, out, err = lint_process(str(queue / "drafts"), timeout=60, cwd=tmp_path)
    assert code == 2, err[-800:]
    assert b"Traceback" not in err
    text = out.decode()
    assert re.search(r"a\.txt: error: .*a\.json:1: .*nest.*too deep", text), text
    assert f"{queue / 'drafts' / 'b.txt'}:1:1: LANG004" in text


# --- 5. -j ----------------------------------------------------------------------------------------

def _batch(tmp_path: Path, n: int = 240) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(n):
        (folder / f"d{i:03}.txt").write_text(CLEAN if i % 3 else "，\n", encoding="utf-8")
    return folder


def test_jobs_are_capped_at_the_cpu_count_and_the_cap_is_said(run, tmp_path, monkeypatch):
    import replydesk.linting.cli as cli

    folder = _batch(tmp_path)
    serial = run("lint", "-j", "1", str(folder))
    monkeypatch.setattr(cli, "cpu_count", lambda: 2)
    forks = []
    real_fork = os.fork

    def counting_fork():
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting_fork)
    code, out, err = run("lint", "-j", "500", str(folder))
    assert len(forks) == 1
    assert "-j 500 capped at 2" in err
    assert (code, out) == serial[:2]


def test_a_failed_fork_falls_back_to_linting_in_this_process(run, tmp_path, monkeypatch):
    folder = _batch(tmp_path)
    serial = run("lint", "-j", "1", str(folder))

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    code, out, err = run("lint", "-j", "2", str(folder))
    assert (code, out) == serial[:2]
    assert "warning: cannot start a worker process (Resource temporarily unavailable)" in err


def test_negative_jobs_is_a_usage_error(tmp_path, capsys):
    p = tmp_path / "ok.txt"
    p.write_text(CLEAN, encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["lint", "-j", "-3", str(p)])
    assert exc.value.code == 2 and "--jobs" in capsys.readouterr().err


# --- 6. --fix against a concurrent writer -----------------------------------------------------

def test_a_snapshot_notices_any_change_even_with_the_same_size_and_mtime(tmp_path):
    from replydesk.linting.atomicfile import FileSnapshot

    p = tmp_path / "d.txt"
    p.write_bytes(b"hello world")
    snap = FileSnapshot.of(p, p.read_bytes())
    assert snap.unchanged(p)
    st = os.stat(p)
    p.write_bytes(b"HELLO world")
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert not snap.unchanged(p)
    p.unlink()
    assert not snap.unchanged(p)


def test_fix_does_not_overwrite_a_change_that_lands_while_fixing(tmp_path):
    """A real second process rewrites the draft between read and rename; --fix must leave its text."""
    draft = tmp_path / "d.txt"
    draft.write_text("Delivered on 2024-05-12，see attached photo.\n", encoding="utf-8")
    other = tmp_path / "other.txt"  # nobody races this one: its fix is written
    other.write_text("Delivered on 2024-05-12，see attached photo.\n", encoding="utf-8")
    theirs = "Their newer text, typed while lint --fix ran.\n"
    script = textwrap.dedent(
        f"""
        import subprocess, sys
        import replydesk.linting.cli as cli
        real = cli.apply_fixes

        def racing_apply_fixes(text, findings, **kw):
            out = real(text, findings, **kw)
            writer = "import pathlib, sys; pathlib.Path(sys.argv[1]).write_text(sys.argv[2], encoding='utf-8')"
            subprocess.run([sys.executable, "-c", writer, {str(draft)!r}, {theirs!r}], check=True)
            return out

        cli.apply_fixes = racing_apply_fixes
        sys.exit(cli.main(["lint", "--fix", {str(draft)!r}, {str(other)!r}]))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert draft.read_text(encoding="utf-8") == theirs
    assert f"{draft}: error: changed while fixing; not written" in proc.stdout
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert "，" not in other.read_text(encoding="utf-8") and "Fixed 1 problem" in proc.stdout


def test_fix_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    """`lint --fix` on a symlinked draft used to replace the link with a new file, leaving the
    real draft unfixed and the link gone."""
    real = tmp_path / "real" / "reply.txt"
    real.parent.mkdir()
    real.write_text("The parcel was delivered，see the attached proof。\n", encoding="utf-8")
    os.chmod(real, 0o640)
    link = tmp_path / "reply.txt"
    link.symlink_to(real)
    from replydesk.linting.cli import main

    main(["lint", "--fix", "--platform", "coupang", str(link)])
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8") == "The parcel was delivered, see the attached proof.\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
