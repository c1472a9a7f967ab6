"""`replydesk import`: platform exports become case files; bad records are reported by line and skipped."""
from __future__ import annotations

import json
from pathlib import Path


from replydesk.tui.entry import main
from replydesk.tui.queue.store import QueueStore

EVENTS_JSONL = "\n".join(
    [
        json.dumps({"type": "order.canceled", "platform": "coupang", "order_id": "22000009551870",
                    "occurred_at": "2024-05-20T09:40:00+09:00", "reason": "배송 지연", "buyer_message": "취소해 주세요"}, ensure_ascii=False),
        json.dumps({"type": "return.disputed", "platform": "coupang", "order_id": "22000009480112", "return_id": "12346897",
                    "occurred_at": "2024-05-18T14:30:00+09:00", "reason": "not received"}),
        "{not json",
        json.dumps({"type": "order.exploded", "platform": "coupang", "order_id": "1", "occurred_at": "2024-05-18T14:30:00+09:00"}),
        json.dumps({"object": "claim", "claim_type": "atoz", "platform": "amazon", "claim_id": "AZ-2024-0514-31",
                    "order_id": "902-3159896-1390916", "decided_at": "2024-05-14T06:20:00Z"}),
        json.dumps({"object": "notice", "category": "account_review", "platform": "tiktok", "notice_id": "N-77",
                    "title": "Product quality violation", "issued_at": "2024-05-18T12:00:00+09:00",
                    "respond_by": "2024-05-21T12:00:00+09:00", "body": "Appeal with evidence."}),
    ]
)


def run(tmp_path: Path, *files: Path, extra=()) -> tuple[int, QueueStore]:
    queue = tmp_path / "queue"
    code = main(["import", "--queue", str(queue), *map(str, files), *extra])
    return code, QueueStore(queue)


def test_jsonl_events_become_cases_and_bad_lines_are_reported_by_number(tmp_path, capsys):
    src = tmp_path / "events.jsonl"
    src.write_text(EVENTS_JSONL + "\n", encoding="utf-8")
    code, store = run(tmp_path, src)
    err = capsys.readouterr().err
    assert code == 1
    assert f"{src}:3: invalid JSON" in err
    assert f"{src}:4: unknown event type 'order.exploded'" in err
    cases = {c.id: c for c in store.load().cases}
    assert set(cases) == {"CP-CANCEL-22000009551870", "CP-RETURN-12346897", "AMZ-A2Z-AZ-2024-0514-31", "TT-NOA-N-77"}
    cancel = cases["CP-CANCEL-22000009551870"]
    assert cancel.kind == "cancellation-appeal" and cancel.order_ids == ("22000009551870",)
    assert [m["who"] for m in cancel.history] == ["platform", "customer"]
    assert cancel.history[1]["text"] == "취소해 주세요"
    atoz = cases["AMZ-A2Z-AZ-2024-0514-31"]
    assert atoz.kind == "atoz-review" and atoz.deadline.isoformat() == "2024-05-21T23:59:59+09:00"
    notice = cases["TT-NOA-N-77"]
    assert notice.subject == "Product quality violation" and not notice.deadline_computed


def test_json_array_reports_the_line_of_each_bad_record(tmp_path, capsys):
    records = [
        {"id": "CP-1", "platform": "coupang", "kind": "return-dispute", "subject": "ok", "received_at": "2024-05-18T14:30:00+09:00"},
        {"id": "CP-2", "platform": "coupang", "kind": "return-dispute", "subject": "bad time", "received_at": "yesterday"},
        {"id": "CP-3", "platform": "coupang", "kind": "teleport", "subject": "bad kind", "received_at": "2024-05-18T14:30:00+09:00"},
    ]
    src = tmp_path / "cases.json"
    src.write_text("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n", encoding="utf-8")
    code, store = run(tmp_path, src)
    err = capsys.readouterr().err
    assert code == 1
    assert f"{src}:3: received_at: not an ISO 8601 date-time: 'yesterday'" in err
    assert f"{src}:4: unknown kind 'teleport'" in err
    assert [c.id for c in store.load().cases] == ["CP-1"]
    assert not (store.cases_dir / "CP-2.json").exists()


def test_csv_rows_with_semicolon_lists_and_line_numbers(tmp_path, capsys):
    src = tmp_path / "export.csv"
    src.write_text(
        "id,platform,kind,subject,received_at,order_ids,message\n"
        "SP-1,shopee,chargeback,Chargeback 240512PLM3Q8ZR,2024-05-17T09:00:00+09:00,240512PLM3Q8ZR;240512PLM3Q8ZS,Upload evidence\n"
        "SP-2,shopee,chargeback,\"multi\nline subject\",not-a-time,,\n",
        encoding="utf-8",
    )
    code, store = run(tmp_path, src)
    err = capsys.readouterr().err
    assert code == 1
    assert f"{src}:4: received_at" in err  # the record ends on line 4 (quoted newline)
    (sp1,) = store.load().cases
    assert sp1.order_ids == ("240512PLM3Q8ZR", "240512PLM3Q8ZS")
    assert sp1.history[0]["text"] == "Upload evidence"


def test_existing_cases_are_kept_unless_replace(tmp_path, capsys):
    src = tmp_path / "one.json"
    src.write_text(json.dumps({"id": "CP-1", "platform": "coupang", "kind": "general", "subject": "v1",
                               "received_at": "2024-05-18T14:30:00+09:00"}), encoding="utf-8")
    assert run(tmp_path, src)[0] == 0
    src.write_text(src.read_text(encoding="utf-8").replace("v1", "v2"), encoding="utf-8")
    code, store = run(tmp_path, src)
    assert code == 0 and "already in the queue" in capsys.readouterr().out
    assert store.reload_case("CP-1").subject == "v1"
    code, store = run(tmp_path, src, extra=["--replace"])
    assert store.reload_case("CP-1").subject == "v2"


def test_records_without_platform_take_the_platform_option(tmp_path):
    src = tmp_path / "e.jsonl"
    src.write_text(json.dumps({"type": "order.canceled", "order_id": "576684019603311365",
                               "occurred_at": "2024-05-20T11:30:00+09:00"}) + "\n", encoding="utf-8")
    code, store = run(tmp_path, src, extra=["--platform", "tiktok"])
    assert code == 0
    assert [c.id for c in store.load().cases] == ["TT-CANCEL-576684019603311365"]


def test_unknown_file_type_and_missing_file_are_one_line_errors(tmp_path, capsys):
    src = tmp_path / "notes.xml"
    src.write_text("<x/>", encoding="utf-8")
    code, _ = run(tmp_path, src)
    assert code == 1 and "unknown format .xml" in capsys.readouterr().err
    code = main(["import", "--queue", str(tmp_path / "q"), str(tmp_path / "missing.json")])
    assert code == 2 and "no such file" in capsys.readouterr().err


def test_help_lists_the_desk_and_every_subcommand(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for word in ("QUEUE_DIR", "--no-mouse", "lint", "rules", "explain", "glossary", "import", "REPLYDESK_QUEUE"):
        assert word in out


def test_lint_subcommand_goes_to_the_linter_cli(tmp_path, capsys):
    draft = tmp_path / "d.txt"
    draft.write_text("Order 22000009546234 shipped!\n", encoding="utf-8")
    code = main(["lint", "--platform", "coupang", str(draft)])
    assert code in (0, 1) and "TONE004" in capsys.readouterr().out
