"""`replydesk import` against hostile and broken input (issue 11, "Import").

Every test runs the real console entry point in a separate process, as an
operator would: a traceback, a record that stops the rest of the file, or
memory that grows with the input is then seen exactly as it would be seen
on a real host. Peak memory is the child's own VmHWM, read by the child
from /proc/self/status as it exits: ru_maxrss from wait4 would not do, as
Linux counts the parent's resident size (pytest's) in a child's ru_maxrss
from before its exec.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from replydesk.tui.queue.cases import checked_id
from replydesk.tui.queue.store import QueueStore

REPO = Path(__file__).resolve().parents[2]
TIME = "2024-05-20T09:40:00+09:00"


@dataclass
class Run:
    code: int
    out: str
    err: str
    peak_mb: float
    queue: Path

    def store(self) -> QueueStore:
        return QueueStore(self.queue, index_path=False)

    def cases(self) -> dict:
        report = self.store().load()
        assert not report.errors, report.errors
        return {c.id: c for c in report.cases}


# The console script's main, then the process's own high-water mark (Linux; 0 elsewhere).
CHILD = """
import os, sys
from replydesk.tui.entry import main
try:
    code = main(sys.argv[1:])
finally:
    try:
        with open("/proc/self/status") as status:
            hwm = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    except OSError:
        hwm = "0"
    with open(os.environ["IMPORT_TEST_HWM"], "w") as out:
        out.write(hwm)
sys.exit(code)
"""


def run_import(tmp_path: Path, *files: Path, extra: tuple[str, ...] = (), queue: Path | None = None) -> Run:
    """`replydesk import` in its own process: exit code, stdout, stderr and its peak resident memory."""
    queue = queue or tmp_path / "queue"
    hwm = tmp_path / "hwm.txt"
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", REPLYDESK_CACHE_DIR=str(tmp_path / "cache"),
               IMPORT_TEST_HWM=str(hwm))
    env.pop("REPLYDESK_QUEUE", None)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, "import", "--queue", str(queue), *map(str, files), *extra],
        capture_output=True, stdin=subprocess.DEVNULL, env=env, cwd=tmp_path, timeout=900,
    )
    return Run(
        code=proc.returncode,
        out=proc.stdout.decode("utf-8", "replace"),
        err=proc.stderr.decode("utf-8", "replace"),
        peak_mb=int(hwm.read_text() or 0) / 1024,  # VmHWM is in kB
        queue=queue,
    )


needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")


def event(order_id, **extra) -> dict:
    return {"type": "order.canceled", "platform": "coupang", "order_id": order_id, "occurred_at": TIME,
            "reason": "배송 지연", **extra}


def jsonl(path: Path, *lines) -> Path:
    """Lines are dicts (dumped) or raw str/bytes (written as given)."""
    data = b""
    for line in lines:
        if isinstance(line, dict):
            line = json.dumps(line, ensure_ascii=False)
        data += (line.encode("utf-8") if isinstance(line, str) else line) + b"\n"
    path.write_bytes(data)
    return path


def assert_clean(run: Run) -> None:
    assert "Traceback" not in run.err, run.err
    assert run.code in (0, 1), (run.code, run.err)


# --- 1. dates out of range ------------------------------------------------------------------

def test_year_9999_on_a_two_hour_window_is_reported_and_the_other_records_land(tmp_path):
    # Failed before: OverflowError traceback at line 2, line 3 never imported.
    src = jsonl(tmp_path / "e.jsonl", event("1"), event("2", occurred_at="9999-12-31T23:00:00+09:00"), event("3"))
    run = run_import(tmp_path, src)
    assert_clean(run)
    assert run.code == 1
    assert f"{src}:2: " in run.err and "out of range" in run.err
    assert set(run.cases()) == {"CP-CANCEL-1", "CP-CANCEL-3"}
    assert "imported 2 case(s)" in run.out and "skipped 1 invalid record(s)" in run.out


# --- 2. deep nesting --------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [5000, 100])
def test_deeply_nested_jsonl_line_is_reported_and_earlier_and_later_lines_land(tmp_path, depth):
    # Failed before (5000): RecursionError traceback, nothing imported. 100 levels passed before; it is over
    # the new explicit limit (64), which no case needs and which keeps every later recursive walk (json.dumps,
    # the linter's context, the desk) far from Python's recursion limit.
    deep = "[" * depth + "]" * depth
    nested = json.dumps(event("2")).replace('"reason"', '"extra": ' + deep + ', "reason"')
    src = jsonl(tmp_path / "e.jsonl", event("1"), nested, event("3"))
    run = run_import(tmp_path, src)
    assert_clean(run)
    assert run.code == 1 and f"{src}:2: " in run.err and "nested" in run.err
    assert set(run.cases()) == {"CP-CANCEL-1", "CP-CANCEL-3"}


def test_deeply_nested_record_in_a_json_array_is_skipped_and_its_neighbours_land(tmp_path):
    src = tmp_path / "a.json"
    src.write_text("[\n" + json.dumps(event("1")) + ",\n" + "[" * 5000 + "]" * 5000 + ",\n"
                   + json.dumps(event("3")) + "\n]\n", encoding="utf-8")
    run = run_import(tmp_path, src)
    assert_clean(run)
    assert run.code == 1 and f"{src}:3: " in run.err and "nested" in run.err
    assert set(run.cases()) == {"CP-CANCEL-1", "CP-CANCEL-3"}


# --- 3. memory stays flat with input size ----------------------------------------------------

def _write_big(path: Path, megabytes: float, fmt: str) -> int:
    """Distinct valid records of ~100 KB each (a long buyer message), so that few files are written:
    fsyncing thousands of case files would measure the disk, not the importer."""
    message = ("배송이 늦어요. Where is my parcel? 주문 취소 부탁드립니다. " * 3000)[:60000]
    target = int(megabytes * 1024 * 1024)
    written = count = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        if fmt == "csv":
            out.write("type,platform,order_id,occurred_at,buyer_message\n")
        elif fmt == "json":
            out.write("[\n")
        while written < target:
            if fmt == "csv":
                line = f'order.canceled,coupang,{22000000000000 + count},{TIME},"{message}"\n'
            else:
                line = json.dumps(event(str(22000000000000 + count), buyer_message=message), ensure_ascii=False)
                line = ("," if fmt == "json" and count else "") + line + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            count += 1
        if fmt == "json":
            out.write("]\n")
    return count


@needs_proc
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_peak_memory_does_not_grow_with_input_size(tmp_path, fmt):
    # Failed before: the whole file was read, decoded and split (JSONL 5 MB -> 50 MB added ~200 MB).
    peaks = {}
    for megabytes in (5, 50):
        work = tmp_path / f"{megabytes}mb"
        work.mkdir()
        src = work / f"big.{fmt}"
        count = _write_big(src, megabytes, fmt)
        run = run_import(work, src)
        assert_clean(run)
        assert run.code == 0 and f"imported {count} case(s)" in run.out, run.err[-2000:]
        peaks[megabytes] = run.peak_mb
        src.unlink()
    assert peaks[50] - peaks[5] < 8, peaks


# --- 4. distinct IDs never share a file -------------------------------------------------------

COLLIDING = ["21000", "２１０００", "３１０００", "A/B", "A-B", "A_B", "A B", "X" * 100 + "1", "X" * 100 + "2",
             "CP-CANCEL-9", "9--0123456789ab"]


def test_distinct_order_ids_become_distinct_readable_cases_that_keep_the_exact_id(tmp_path):
    # Failed before: 2/3, 4/5/7 and 8/9 each collapsed into one case ("duplicate case ...").
    src = jsonl(tmp_path / "e.jsonl", *(event(oid, reason=f"r{i}") for i, oid in enumerate(COLLIDING)))
    run = run_import(tmp_path, src)
    assert_clean(run)
    assert run.code == 0, run.err
    cases = run.cases()
    assert len(cases) == len(COLLIDING)
    by_order = {c.order_ids[0]: c for c in cases.values()}
    assert set(by_order) == set(COLLIDING)  # the exact ID is kept, not its file-name form
    for i, oid in enumerate(COLLIDING):
        case = by_order[oid]
        assert case.raw["source_id"] == oid and case.history[0]["text"] == f"order.canceled: r{i}"
        assert checked_id(case.id) == case.id and case.id.startswith("CP-CANCEL-")
    assert "CP-CANCEL-21000" in cases  # already a safe name: unchanged, as before
    assert by_order["２１０００"].id.startswith("CP-CANCEL-21000--")  # readable, and not 21000's name
    assert by_order["A/B"].id.startswith("CP-CANCEL-A-B--")


def test_replace_never_overwrites_another_orders_case(tmp_path):
    # Failed before: ３１０００ --replace overwrote the case of ２１０００ (both were CP-CANCEL).
    first = jsonl(tmp_path / "1.jsonl", event("２１０００", reason="first"), event("A/B", reason="first"))
    assert run_import(tmp_path, first).code == 0
    second = jsonl(tmp_path / "2.jsonl", event("３１０００", reason="second"), event("A-B", reason="second"))
    run = run_import(tmp_path, second, extra=("--replace",))
    assert_clean(run)
    by_order = {c.order_ids[0]: c for c in run.cases().values()}
    assert set(by_order) == {"２１０００", "３１０００", "A/B", "A-B"}
    assert by_order["２１０００"].history[0]["text"] == "order.canceled: first"
    assert by_order["A/B"].history[0]["text"] == "order.canceled: first"
    # --replace still replaces the same order
    again = jsonl(tmp_path / "3.jsonl", event("２１０００", reason="again"))
    run = run_import(tmp_path, again, extra=("--replace",))
    assert run.code == 0 and "imported 1 case(s)" in run.out
    by_order = {c.order_ids[0]: c for c in run.cases().values()}
    assert len(by_order) == 4 and by_order["２１０００"].history[0]["text"] == "order.canceled: again"


def _legacy_case(queue: Path, case_id: str, order_id: str, text: str) -> Path:
    """A case exactly as the old importer wrote it: safe_id() squashed the ID, no source_id."""
    (queue / "cases").mkdir(parents=True, exist_ok=True)
    path = queue / "cases" / f"{case_id}.json"
    path.write_text(json.dumps({"id": case_id, "platform": "coupang", "kind": "cancellation-appeal",
                                "subject": "Cancellation appeal", "received_at": TIME, "status": "new",
                                "order_ids": [order_id], "history": [{"who": "platform", "when": TIME, "text": text}]},
                               ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def test_old_style_case_names_still_load_and_replace_finds_them(tmp_path):
    queue = tmp_path / "queue"
    legacy = _legacy_case(queue, "CP-CANCEL-A-B", "A/B", "old")
    # the same order again: --replace updates the old file instead of adding a second case for it
    run = run_import(tmp_path, jsonl(tmp_path / "1.jsonl", event("A/B", reason="new")), extra=("--replace",))
    assert_clean(run)
    assert run.code == 0 and list(run.cases()) == ["CP-CANCEL-A-B"]
    assert json.loads(legacy.read_text(encoding="utf-8"))["history"][0]["text"] == "order.canceled: new"
    # a different order whose safe name is the old file's name is refused, not written over it
    run = run_import(tmp_path, jsonl(tmp_path / "2.jsonl", event("A-B", reason="other")), extra=("--replace",))
    assert_clean(run)
    assert run.code == 1 and f"{tmp_path / '2.jsonl'}:1: " in run.err and "collides with" in run.err
    assert json.loads(legacy.read_text(encoding="utf-8"))["history"][0]["text"] == "order.canceled: new"


def test_case_only_difference_on_a_case_insensitive_name_is_refused(tmp_path):
    # A symlink cp-1.json -> CP-1.json is what a case-insensitive file system does to the name.
    queue = tmp_path / "queue"
    case = {"id": "CP-1", "platform": "coupang", "kind": "general", "subject": "original", "received_at": TIME}
    (queue / "cases").mkdir(parents=True)
    (queue / "cases" / "CP-1.json").write_text(json.dumps(case), encoding="utf-8")
    (queue / "cases" / "cp-1.json").symlink_to("CP-1.json")
    src = jsonl(tmp_path / "e.jsonl", {**case, "id": "cp-1", "subject": "intruder"})
    run = run_import(tmp_path, src, extra=("--replace",))
    assert_clean(run)
    assert run.code == 1 and f"{src}:1: " in run.err and "cp-1" in run.err
    assert json.loads((queue / "cases" / "CP-1.json").read_text(encoding="utf-8"))["subject"] == "original"


# --- 5. attacker input: reported by line, the rest lands, never a traceback ----------------------

def test_invalid_utf8_nul_and_surrogates_are_reported_per_line(tmp_path):
    # Failed before: invalid UTF-8 stopped the file at line 2; a "\ud800" escape was a UnicodeEncodeError
    # traceback; a 5000-digit number was a ValueError traceback.
    src = jsonl(
        tmp_path / "e.jsonl",
        event("1"),
        b'{"type": "order.canceled", "order_id": "\xff\xfe", "platform": "coupang"}',
        b'{"type": "order.canceled",\x00 "order_id": "3"}',
        event("4", buyer_message="\x00 NUL kept"),
        '{"type": "order.canceled", "platform": "coupang", "order_id": "5", "occurred_at": "%s", '
        '"buyer_message": "\\ud800"}' % TIME,
        '{"type": "order.canceled", "platform": "coupang", "order_id": 1%s}' % ("0" * 5000),
        event("7"),
    )
    run = run_import(tmp_path, src)
    assert_clean(run)
    assert run.code == 1
    reported = dict(line.split(": ", 1) for line in run.err.splitlines())
    for line, reason in ((2, "not UTF-8 text (byte 0xff)"), (3, "invalid JSON"), (5, "unpaired surrogate \\ud800"),
                         (6, "more than 4300 digits")):
        assert reason in reported[f"{src}:{line}"], run.err
    cases = run.cases()
    assert set(cases) == {"CP-CANCEL-1", "CP-CANCEL-4", "CP-CANCEL-7"}
    assert cases["CP-CANCEL-4"].history[1]["text"] == "\x00 NUL kept"
    assert "imported 3 case(s)" in run.out and "skipped 4 invalid record(s)" in run.out


def test_bom_crlf_and_unicode_line_separators_inside_strings(tmp_path):
    # Failed before: str.splitlines() cut a record at U+2028 / U+0085 inside a string.
    message = "line\u2028two\x85three\x1c"
    src = tmp_path / "e.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(
        json.dumps(event(str(i), buyer_message=message), ensure_ascii=False) for i in range(3)).encode("utf-8") + b"\r\n")
    csv_src = tmp_path / "e.csv"
    csv_src.write_bytes(b"\xef\xbb\xbftype,platform,order_id,occurred_at,buyer_message\r\n"
                        + f'order.canceled,coupang,10,{TIME},"a\r\nb"\r\norder.canceled,coupang,11,{TIME},x\r\n'.encode())
    run = run_import(tmp_path, src, csv_src)
    assert_clean(run)
    assert run.code == 0, run.err
    cases = run.cases()
    assert set(cases) == {"CP-CANCEL-0", "CP-CANCEL-1", "CP-CANCEL-2", "CP-CANCEL-10", "CP-CANCEL-11"}
    assert cases["CP-CANCEL-1"].history[1]["text"] == message
    assert cases["CP-CANCEL-10"].history[1]["text"] == "a\r\nb"


def test_escape_sequences_in_buyer_text_are_kept_exactly(tmp_path):
    # Making them safe to show is the desk's job; the importer must neither drop nor mangle them.
    evil = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\\r\x9b31m"
    src = jsonl(tmp_path / "e.jsonl", event("1", buyer_message=evil, title="\x1b]0;pwned\x07subject"))
    csv_src = tmp_path / "e.csv"
    csv_src.write_text(f"type,platform,order_id,occurred_at,buyer_message\norder.canceled,coupang,2,{TIME},\"{evil}\"\n",
                       encoding="utf-8", newline="")
    run = run_import(tmp_path, src, csv_src)
    assert_clean(run)
    cases = run.cases()
    assert cases["CP-CANCEL-1"].history[1]["text"] == evil
    assert cases["CP-CANCEL-1"].raw["subject"] == "\x1b]0;pwned\x07subject"
    assert cases["CP-CANCEL-2"].history[1]["text"] == evil.strip()  # CSV cells are stripped, as before


@needs_proc
def test_a_huge_single_line_is_skipped_in_bounded_memory(tmp_path):
    # Failed before: the whole line was read and parsed (~6x its size in memory).
    src = tmp_path / "e.jsonl"
    with open(src, "wb") as out:
        out.write(json.dumps(event("1")).encode() + b"\n")
        out.write(b'{"type": "order.canceled", "buyer_message": "')
        for _ in range(64):
            out.write(b"x" * (1 << 20))
        out.write(b'"}\n')
        out.write(json.dumps(event("3")).encode() + b"\n")
    run = run_import(tmp_path, src)
    assert_clean(run)
    assert run.code == 1 and f"{src}:2: record is larger than" in run.err
    assert set(run.cases()) == {"CP-CANCEL-1", "CP-CANCEL-3"}
    assert run.peak_mb < 100, run.peak_mb


def test_csv_with_a_10_mb_field_skips_that_row_and_reads_on(tmp_path):
    # Failed before: "field larger than field limit (131072)" and the rest of the file was not read.
    src = tmp_path / "e.csv"
    big = "y" * (10 << 20)
    src.write_text("type,platform,order_id,occurred_at,buyer_message\n"
                   f"order.canceled,coupang,1,{TIME},ok\n"
                   f"order.canceled,coupang,2,{TIME},\"{big[:5]}\n{big}\"\"quoted\"\"\nend\"\n"
                   f"order.canceled,coupang,3,{TIME},after\n"
                   f"order.canceled,coupang,4,{TIME},\"multi\nline\"\n",
                   encoding="utf-8", newline="")
    run = run_import(tmp_path, src)
    assert_clean(run)
    assert run.code == 1 and f"{src}:3: record is larger than" in run.err, run.err
    cases = run.cases()
    assert set(cases) == {"CP-CANCEL-1", "CP-CANCEL-3", "CP-CANCEL-4"}
    assert cases["CP-CANCEL-4"].history[1]["text"] == "multi\nline"
    assert f"{src}:" not in run.err.replace(f"{src}:3: ", "")  # only the big row is reported


def test_broken_json_array_record_is_reported_and_the_rest_of_the_array_lands(tmp_path):
    src = tmp_path / "a.json"
    src.write_text("[\n" + json.dumps(event("1")) + ",\n" + '{"type": "order.canceled", "order_id": }' + ",\n"
                   + json.dumps(event("3", occurred_at="9999-12-31T23:30:00+09:00")) + ",\n"
                   + json.dumps(event("4")) + "\n]\n", encoding="utf-8")
    run = run_import(tmp_path, src)
    assert_clean(run)
    assert run.code == 1
    assert f"{src}:3: invalid JSON" in run.err and f"{src}:4: " in run.err
    assert set(run.cases()) == {"CP-CANCEL-1", "CP-CANCEL-4"}


# --- the streaming readers agree with the whole-file parsers ------------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from replydesk.tui.queue import importer  # noqa: E402

_text = st.text(alphabet=st.sampled_from(list('ab"\\[]{},: \u2028\x85한\U0001F600/') + ["\x1b"]), max_size=12)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(_json, max_size=6), indent=st.sampled_from([None, 1, 2]), chunk=st.integers(1, 40),
       crlf=st.booleans(), small=st.booleans())
def test_json_array_scanner_finds_every_record_whatever_the_piece_size(monkeypatch, records, indent, chunk, crlf, small):
    """Pieces as small as one character split strings, escapes and CRLF; the records and their
    lines must still come out exactly as json.loads and the text say, and with a small record limit
    exactly the records over it are reported. (The monkeypatched values are set again for every
    example, so sharing the fixture across examples is harmless.)"""
    import io
    limit = 30 if small else importer.MAX_RECORD_CHARS
    monkeypatch.setattr(importer, "_CHUNK", chunk)
    monkeypatch.setattr(importer, "MAX_RECORD_CHARS", limit)
    newline = "\r\n" if crlf else "\n"
    dumped = [json.dumps(r, indent=indent, ensure_ascii=False).replace("\n", newline) for r in records]
    text = "[" + newline + ("," + newline).join(dumped) + newline + "]" + newline
    expected, line = [], 2
    for record, d in zip(records, dumped):
        expected.append((line, "too large" if len(d) > limit else record))
        line += d.count("\n") + 1
    got = [(n, "too large" if isinstance(r, importer.RecordError) else r)
           for n, r in importer.iter_json_records(io.StringIO(text, newline=""))]
    assert got == expected


_cell = st.text(alphabet=st.sampled_from(list('ab", \n\r한\x00\x1b')), max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=3, max_size=3), max_size=6), small=st.booleans(),
       chunk=st.integers(1, 16))
def test_csv_reader_agrees_with_dictreader_and_skips_exactly_the_big_records(monkeypatch, rows, small, chunk):
    """With a small record limit, a record over it is reported at its first line and every other row
    comes out as csv.DictReader reads it, at the same line: skipping finds the record's real end."""
    import csv
    import io
    limit = 24 if small else importer.MAX_RECORD_CHARS
    monkeypatch.setattr(importer, "MAX_RECORD_CHARS", limit)
    monkeypatch.setattr(importer, "_CHUNK", chunk)

    def written(row) -> str:
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerow(row)
        return buffer.getvalue()

    header = written(["a", "b", "c"])
    expected, line = [], 1
    for row in rows:
        text = written(row)
        first = line + 1
        line += len(io.StringIO(text, newline="").readlines())
        if len(text) > limit:
            expected.append((first, "too large"))
        else:
            expected.append((line, {k: v.strip() for k, v in zip("abc", row) if v != ""}))
    got = [(n, "too large" if isinstance(r, importer.RecordError) else r)
           for n, r in importer.iter_csv_records(io.StringIO(header + "".join(map(written, rows)), newline=""))]
    assert got == expected


@pytest.fixture(scope="module")
def fuzz_queue(tmp_path_factory):
    """One queue (and one load of the packs) for every fuzz example; pytest removes it like any tmp_path."""
    root = tmp_path_factory.mktemp("import-fuzz")
    return root, QueueStore(root, index_path=False)


_valid = (json.dumps(event("1")) + "\n").encode()
_fuzz_bytes = st.lists(
    st.sampled_from([b"[", b"]", b"{", b"}", b",", b'"', b"\\", b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xef\xbb\xbf",
                     b"\xe2\x80\xa8", b"1e999", b"9" * 30, b'"type"', b":", b" ", _valid, _valid.rstrip(b"\n")]),
    max_size=30,
).map(b"".join)


@settings(max_examples=200, deadline=None)
@given(data=_fuzz_bytes, suffix=st.sampled_from([".json", ".jsonl", ".csv"]), replace=st.booleans())
def test_no_input_makes_the_importer_raise(fuzz_queue, data, suffix, replace):
    """Whatever the bytes, import_files reports and returns: it never raises (the CLI never shows a traceback)."""
    root, store = fuzz_queue
    path = root / f"input{suffix}"
    path.write_bytes(data)
    report = importer.import_files([path], store, replace=replace)
    assert report.skipped == len(report.invalid)
    assert all(line.startswith(f"{path}:") for line in report.invalid), report.invalid


def test_import_files_refuses_a_fifo_without_blocking(tmp_path):
    """`import_files` called directly (not through `main`'s checks) must not block on a FIFO."""
    import threading

    from replydesk.tui.queue.importer import import_files
    from replydesk.tui.queue.store import QueueStore

    fifo = tmp_path / "events.jsonl"
    os.mkfifo(fifo)
    queue = tmp_path / "queue"
    queue.mkdir()
    problems: list[str] = []
    box = {}
    thread = threading.Thread(
        target=lambda: box.setdefault("report", import_files([fifo], QueueStore(queue), on_problem=problems.append)),
        daemon=True,
    )
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "blocked opening a FIFO"
    assert box["report"].imported == 0 and problems and "FIFO" in problems[0]
