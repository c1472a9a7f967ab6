"""`replydesk import` of the platforms' own payloads: one case per notice, every ID a string in
the platform's format, every time in KST, re-imports that change nothing, later events that update
the same case, and a case an operator has open that keeps its status."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from replydesk.linting.casefile import context_of
from replydesk.tui.entry import main
from replydesk.tui.queue.store import QueueStore

PAYLOADS = Path(__file__).with_name("payloads")
WHEN = datetime.fromisoformat("2024-06-10T12:00:00+09:00")


def run(queue: Path, *names: str, extra=()) -> int:
    return main(["import", "--queue", str(queue), *(str(PAYLOADS / n) if not Path(n).is_absolute() else n for n in names), *extra])


def case(queue: Path, case_id: str) -> dict:
    return json.loads((queue / "cases" / f"{case_id}.json").read_text(encoding="utf-8"))


def texts(data: dict, who: str) -> list[str]:
    return [m["text"] for m in data["history"] if m.get("who") == who and "event" not in m]


# --- one test per source -----------------------------------------------------------------------

def test_coupang_online_inquiries(tmp_path, capsys):
    q = tmp_path / "q"
    assert run(q, "coupang-online-inquiries.json") == 0
    assert "imported 2 case(s)" in capsys.readouterr().out
    data = case(q, "CP-MSG-1234567")
    assert data["kind"] == "general" and data["source_id"] == "1234567"
    assert data["order_ids"] == ["22000009546234"]  # a JSON number, kept as the platform's digits
    assert data["received_at"] == "2024-04-10T13:22:11+09:00"  # no offset in the payload: KST
    assert texts(data, "customer") == ['사이즈가 "L"이면 가슴둘레가 몇 cm인가요?\n빨리 답변 부탁드려요 & 감사합니다']
    assert data["platform_ids"] == {"productId": "4871235", "vendorItemId": "3242596358", "sellerProductId": "1320567435"}
    assert data["status"] == "new" and data["platform_status"] == "NOANSWER"
    # Answered in WING before it was polled: it does not wait in the queue as a question.
    answered = case(q, "CP-MSG-1234570")
    assert answered["status"] == "sent" and texts(answered, "seller") == ["안녕하세요. 내일 출고 예정입니다."]


def test_coupang_callcenter_inquiry_then_its_answer_updates_the_one_case(tmp_path, capsys):
    q = tmp_path / "q"
    assert run(q, "coupang-callcenter-inquiries.json") == 0
    first = case(q, "CP-MSG-1015668177")
    assert first["order_ids"] == ["22000009551870"] and first["platform_status"] == "requestAnswer"
    # Coupang's CS relays the buyer: its reply is the platform's, with &amp; decoded.
    assert "출고 일정을 안내해 주세요 & 송장번호도" in texts(first, "platform")[1]
    assert first["received_at"] == "2024-04-11T09:05:00+09:00"
    capsys.readouterr()
    assert run(q, "coupang-callcenter-answered.json") == 0
    assert "updated 1" in capsys.readouterr().out
    later = case(q, "CP-MSG-1015668177")
    assert len(list((q / "cases").iterdir())) == 1
    assert texts(later, "seller") == ["안녕하세요, 주문번호 22000009551870 상품은 4월 12일 CJ대한통운으로 출고됩니다."]
    assert len(texts(later, "platform")) == 2  # the notice and the CS relay, not appended twice
    assert later["platform_status"] == "answered" and later["status"] == "sent"
    assert [e["id"] for e in later["source_events"]] == [e["id"] for e in first["source_events"]] + [later["source_events"][-1]["id"]]


def test_coupang_return_requests(tmp_path):
    q = tmp_path / "q"
    assert run(q, "coupang-return-requests.json") == 0
    data = case(q, "CP-RETURN-12346897")
    assert data["kind"] == "return-dispute"
    assert data["order_ids"] == ["22000009546234"] and data["claim_ids"] == ["12346897"]
    assert data["platform_status"] == "RETURNS_UNCHECKED"
    assert data["received_at"] == "2024-04-12T10:15:37+09:00"
    assert texts(data, "customer") == ["Return reason: 고객변심 / 색상/사이즈 변경 / 사이즈가 작아요 <교환 원함>"]
    assert data["source_events"][0]["payload"]["returnItems"][0]["shipmentBoxId"] == 642538970006401429


def test_amazon_order_change_in_utc_then_eventbridge_cancel_updates_it(tmp_path, capsys):
    q = tmp_path / "q"
    assert run(q, "amazon-order-change.sqs.json") == 0
    data = case(q, "AMZ-CANCEL-902-3159896-1390916")
    assert data["kind"] == "cancellation-appeal" and data["order_ids"] == ["902-3159896-1390916"]
    assert data["received_at"] == "2024-05-20T10:29:58+09:00"  # 01:29:58Z
    assert data["platform_ids"] == {"SellerId": "A3TH9S8BH6GOGM", "MarketplaceId": "ATVPDKIKX0DER"}
    assert data["source_events"][0]["id"] == "amazon:0e999936-da2c-4f9c-9fc2-02b67bae5f4a"
    assert run(q, "amazon-order-canceled.eventbridge.json") == 0
    later = case(q, "AMZ-CANCEL-902-3159896-1390916")
    assert later["platform_status"] == "Canceled"
    assert later["history"][-1]["event"] == "platform" and "status Canceled (was Unshipped)" in later["history"][-1]["text"]


def test_amazon_order_cancel_without_a_case_and_a_shipped_order_open_nothing(tmp_path, capsys):
    q = tmp_path / "q"
    assert run(q, "amazon-order-canceled.eventbridge.json") == 0
    assert "ignored 1 event(s)" in capsys.readouterr().out
    assert not list((q / "cases").iterdir())


def test_amazon_account_status_at_risk_is_a_notice_of_action(tmp_path):
    q = tmp_path / "q"
    assert run(q, "amazon-account-status.sqs.json") == 0
    data = case(q, "AMZ-NOA-ACCOUNT-202406031359")
    assert data["kind"] == "notice-of-action" and data["platform_status"] == "AT_RISK"
    assert data["received_at"] == "2024-06-03T13:59:58+09:00"
    assert "is now AT_RISK (was NORMAL)" in data["history"][0]["text"]


def test_tiktok_webhooks(tmp_path, capsys):
    q = tmp_path / "q"
    assert run(q, "tiktok-webhooks.jsonl") == 0
    assert "imported 3 case(s) into" in capsys.readouterr().out and not (q / "cases" / "TT-CANCEL-576684019603311377.json").exists()
    cancel = case(q, "TT-CANCEL-576684019603311365")
    assert cancel["claim_ids"] == ["4035318504086604100"] and cancel["platform_ids"] == {"shop_id": "7494049642642441621"}
    assert cancel["received_at"] == "2024-04-13T18:19:50+09:00"  # create_time 1712999990
    ret = case(q, "TT-RETURN-4035244332210061999")
    assert ret["kind"] == "return-dispute" and ret["order_ids"] == ["576684019603311366"]
    chat = case(q, "TT-MSG-7311223344556677889")
    # data.content is JSON text holding the words; entities decoded.
    assert texts(chat, "customer") == ["Hello, my parcel says delivered but I have nothing & the box was empty"]
    assert chat["history"][1]["source_message"] == "tiktok:msg:7311223344556677001"


def test_shopee_push_and_return_detail(tmp_path, capsys):
    q = tmp_path / "q"
    assert run(q, "shopee-return-detail.json") == 0
    data = case(q, "SP-RETURN-2404130ABCDEF12")
    assert data["order_ids"] == ["240413ABCD1234"] and data["claim_ids"] == ["2404130ABCDEF12"]
    assert data["deadline"] == "2024-04-16T21:06:40+09:00"  # due_date 1713269200, the seller's deadline
    assert texts(data, "customer") == ["The screen was cracked when it arrived – photos attached"]
    assert run(q, "shopee-push.jsonl") == 0
    assert case(q, "SP-CANCEL-240413ABCD1234")["source_events"][0]["id"] == "shopee:64ca21a145e29bda3a6e31203c800e00"
    assert not (q / "cases" / "SP-CANCEL-240413ABCD5678.json").exists()  # READY_TO_SHIP: no notice
    assert case(q, "SP-RETURN-2404130ABCDEF12")["platform_status"] == "JUDGING"  # code 29, the same return


# --- idempotent and incremental -------------------------------------------------------------------

ALL = sorted(p.name for p in PAYLOADS.iterdir())
# In the order the platforms sent them (an event that only updates a case is ignored before it exists).
IN_ORDER = [
    "coupang-online-inquiries.json", "coupang-callcenter-inquiries.json", "coupang-callcenter-answered.json",
    "coupang-return-requests.json", "shopee-return-detail.json", "shopee-push.jsonl", "tiktok-webhooks.jsonl",
    "tiktok-later.jsonl", "amazon-order-change.sqs.json", "amazon-order-canceled.eventbridge.json",
    "amazon-account-status.sqs.json",
]


def test_importing_everything_twice_changes_nothing(tmp_path, capsys):
    assert sorted(IN_ORDER) == ALL
    q = tmp_path / "q"
    assert run(q, *IN_ORDER) == 0
    before = {p.name: p.read_bytes() for p in (q / "cases").iterdir()}
    assert len(before) == 11
    capsys.readouterr()
    assert run(q, *IN_ORDER) == 0
    out = capsys.readouterr().out
    assert "imported 0 case(s)" in out and "updated" not in out
    assert {p.name: p.read_bytes() for p in (q / "cases").iterdir()} == before


def _sent(q: Path, case_id: str) -> None:
    store = QueueStore(q, index_path=False)
    store.mark_sent(case_id, "We have inspected the return; photos attached.", "op1", WHEN, receipt="R-1")


def test_a_later_event_appends_the_buyers_message_and_closes_a_sent_case(tmp_path):
    q = tmp_path / "q"
    assert run(q, "tiktok-webhooks.jsonl") == 0
    _sent(q, "TT-RETURN-4035244332210061999")
    assert run(q, "tiktok-later.jsonl") == 0
    chat = case(q, "TT-MSG-7311223344556677889")
    assert texts(chat, "customer")[-1] == "[image] https://p16-oec-va.ibyteimg.com/tos-maliva-i-o3syd03w52-us/box.jpeg"
    ret = case(q, "TT-RETURN-4035244332210061999")
    assert ret["status"] == "closed" and ret["outcome"] == "reversed"  # the buyer withdrew the return
    record = ret["history"][-1]
    assert record["event"] == "status" and record["who"] == "import" and record["from"] == "sent"


def test_a_case_open_in_a_live_desk_keeps_its_status_and_gets_the_news_in_its_history(tmp_path):
    from replydesk.tui.queue.locks import Locks, Operator

    q = tmp_path / "q"
    assert run(q, "shopee-return-detail.json") == 0
    _sent(q, "SP-RETURN-2404130ABCDEF12")
    store = QueueStore(q, index_path=False)
    store.save_draft("SP-RETURN-2404130ABCDEF12", "a follow-up being written")
    locks = Locks(store.locks_dir, Operator.current("op2"))
    assert locks.acquire("SP-RETURN-2404130ABCDEF12").acquired
    assert run(q, "shopee-push.jsonl") == 0  # code 29: JUDGING, which would make it under-review
    data = case(q, "SP-RETURN-2404130ABCDEF12")
    assert data["status"] == "sent"
    assert data["platform_status"] == "JUDGING"
    assert "Shopee says the case is under-review: not applied, op2 has it open" in data["history"][-1]["text"]
    assert store.read_draft("SP-RETURN-2404130ABCDEF12") == "a follow-up being written"
    locks.release("SP-RETURN-2404130ABCDEF12")


def test_the_original_payload_is_kept_but_never_linted(tmp_path):
    from replydesk.tui.queue.cases import case_from_mapping

    q = tmp_path / "q"
    assert run(q, "shopee-return-detail.json") == 0
    data = case(q, "SP-RETURN-2404130ABCDEF12")
    assert data["source_events"][0]["payload"]["user"]["username"] == "buyer_sg_01"
    context = context_of(data)
    notice = context.notice_text(frozenset({"seller"}))
    assert "buyer_sg_01" not in notice and "screen was cracked" in notice
    case_from_mapping(data, QueueStore(q, index_path=False).packs)  # a valid queue case


# --- forcing, bad payloads, the tables ------------------------------------------------------------

def test_source_forces_a_reading_and_says_when_the_payload_is_not_that(tmp_path, capsys):
    q = tmp_path / "q"
    assert run(q, "tiktok-webhooks.jsonl", extra=["--source", "shopee"]) == 1
    err = capsys.readouterr().err
    assert "tiktok-webhooks.jsonl:1: not a shopee payload" in err
    items = tmp_path / "items.json"
    items.write_text(json.dumps(json.loads((PAYLOADS / "coupang-return-requests.json").read_text())["data"]), encoding="utf-8")
    assert run(q, str(items), extra=["--source", "coupang-returns"]) == 0
    assert (q / "cases" / "CP-RETURN-12346897.json").exists()


def test_one_broken_item_of_a_response_spoils_only_itself(tmp_path, capsys):
    q = tmp_path / "q"
    response = json.loads((PAYLOADS / "coupang-online-inquiries.json").read_text(encoding="utf-8"))
    del response["data"]["content"][1]["inquiryAt"]
    response["data"]["content"].append({"inquiryId": 1.5e6, "inquiryAt": "2024-04-10 13:00:00", "content": "x"})
    src = tmp_path / "poll.json"
    src.write_text(json.dumps(response, ensure_ascii=False), encoding="utf-8")
    assert run(q, str(src)) == 1
    err = capsys.readouterr().err
    assert f"{src}:1: data[1]: inquiryAt is missing" in err
    assert f"{src}:1: data[2]: inquiryId is a floating-point number" in err
    assert [p.name for p in (q / "cases").iterdir()] == ["CP-MSG-1234567.json"]


def test_a_broken_sources_file_is_one_error_naming_its_line(tmp_path, capsys, monkeypatch):
    bad = tmp_path / "sources.toml"
    bad.write_text('[tiktok-returns]\nplatform = "tiktok"\nkind = "return-dispute"\n[tiktok-returns.results]\nX = "closed:won"\n', encoding="utf-8")
    monkeypatch.setenv("REPLYDESK_SOURCES", str(bad))
    assert run(tmp_path / "q", "tiktok-webhooks.jsonl") == 2
    err = capsys.readouterr().err
    assert f"{bad}:5:" in err and "closed:won" in err and "Traceback" not in err


@pytest.mark.parametrize("name", ALL)
def test_every_fixture_is_told_apart_by_its_shape(name):
    from replydesk.tui.inbound.detect import detect
    from replydesk.tui.queue.importer import read_records

    records = [r for _line, r in read_records(PAYLOADS / name)]
    assert records and all(detect(r) is not None for r in records)


def test_a_late_retry_of_an_older_status_does_not_undo_a_newer_one(tmp_path):
    q = tmp_path / "q"
    older, newer = (json.loads(line) for line in (PAYLOADS / "tiktok-webhooks.jsonl").read_text().splitlines()[1:2] * 2)
    newer["tts_notification_id"] = "7327112393057379001"
    newer["timestamp"] = older["timestamp"] + 3600
    newer["data"]["return_status"] = "BUYER_SHIPPED_ITEM"
    newer["data"]["update_time"] = older["data"]["update_time"] + 3600
    first, late = tmp_path / "newer.jsonl", tmp_path / "older.jsonl"
    first.write_text(json.dumps(newer), encoding="utf-8")
    late.write_text(json.dumps(older), encoding="utf-8")  # delivered again 12 h later by TikTok's retry
    assert run(q, str(first)) == 0 and run(q, str(late)) == 0
    data = case(q, "TT-RETURN-4035244332210061999")
    assert data["platform_status"] == "BUYER_SHIPPED_ITEM"
    assert len(data["source_events"]) == 2  # known, so a third delivery is a duplicate
    note = data["history"][-1]["text"]
    assert note.startswith("TikTok Shop: an older event (as of 2024-04-13T19:19:50+09:00) said status RETURN_OR_REFUND_REQUEST_PENDING")
    assert "not applied, the case has newer news (as of 2024-04-13T20:19:50+09:00)" in note


def test_a_dead_letter_imports_as_the_delivery_it_keeps(tmp_path, capsys):
    from replydesk.tui.inbound import deadletter

    q = tmp_path / "q"
    q.mkdir()
    store = QueueStore(q, index_path=False)
    body = (PAYLOADS / "coupang-return-requests.json").read_bytes()
    letter = deadletter.write(store, "relay", body, "X-Replydesk-Source 'nope' is not a source", WHEN)
    assert letter.parent == q / "dead-letter" and letter.name.startswith("20240610T030000-relay-")
    assert run(q, str(letter)) == 0
    assert case(q, "CP-RETURN-12346897")["order_ids"] == ["22000009546234"]
    assert letter.exists()  # the operator removes it, not replydesk
    bad = deadletter.write(store, "tiktok", b'{"type": 12', "invalid JSON", WHEN)
    assert run(q, str(bad)) == 1
    assert f"{bad}:1: dead letter: invalid JSON" in capsys.readouterr().err


def test_the_case_details_show_the_platforms_status_beside_the_platform(tmp_path):
    from replydesk.tui.screens.case import case_details

    q = tmp_path / "q"
    assert run(q, "shopee-return-detail.json", "shopee-push.jsonl") == 0
    store = QueueStore(q, index_path=False)
    shown = case_details(store.reload_case("SP-RETURN-2404130ABCDEF12"), WHEN).plain
    assert "Platform  shopee · JUDGING (2 events)\n" in shown
    assert "buyer_sg_01" not in shown  # the payload is kept for audit, not shown as the case


def test_a_case_keeps_its_latest_payloads_within_bounds_and_every_event_id():
    from replydesk.tui.inbound.apply import KEEP_PAYLOAD_CHARS, KEEP_PAYLOADS, trimmed

    many = [{"id": f"e{n}", "at": "t", "payload": {"n": n}} for n in range(150)]
    kept = trimmed(many)
    assert [e["id"] for e in kept] == [f"e{n}" for n in range(150)]
    assert [e["id"] for e in kept if "payload" in e] == [f"e{n}" for n in range(50, 150)]
    assert KEEP_PAYLOADS == 100
    big = [{"id": f"b{n}", "payload": "x" * (KEEP_PAYLOAD_CHARS // 3)} for n in range(5)]
    assert [e["id"] for e in trimmed(big) if "payload" in e] == ["b3", "b4"]  # 1 Mi characters at most
    huge = [{"id": "h", "payload": "x" * (2 * KEEP_PAYLOAD_CHARS)}]
    assert "payload" in trimmed(huge)[0]  # the newest always stays


def test_the_export_carries_the_platform_events_for_audit(tmp_path):
    from replydesk.tui.queue.export import chain, to_html

    q = tmp_path / "q"
    assert run(q, "shopee-return-detail.json", "shopee-push.jsonl") == 0
    exported = chain(QueueStore(q, index_path=False).reload_case("SP-RETURN-2404130ABCDEF12"))
    assert exported["platform_status"] == "JUDGING"
    assert [e["source"] for e in exported["source_events"]] == ["shopee-returns", "shopee-returns"]
    assert exported["source_events"][0]["payload"]["return_sn"] == "2404130ABCDEF12"
    assert exported["source_events"][1]["as_of"] == "2024-04-14T22:06:40+09:00"  # the push timestamp 1713100000
    html = to_html([exported])
    assert "<th>Platform status</th><td>JUDGING</td>" in html and "their payloads are in the JSON export" in html


def test_an_unpaired_surrogate_in_a_payload_is_refused_not_written(tmp_path, capsys):
    q = tmp_path / "q"
    src = tmp_path / "chat.jsonl"
    line = (PAYLOADS / "tiktok-webhooks.jsonl").read_text(encoding="utf-8").splitlines()[2]
    src.write_text(line.replace("Hello,", "Hello \\\\ud83d,"), encoding="utf-8")  # JSON text "\\ud83d" inside the content
    assert "\\\\ud83d" in src.read_text(encoding="utf-8")
    assert run(q, str(src)) == 1
    assert "contains an unpaired surrogate \\ud83d (not Unicode text)" in capsys.readouterr().err
    assert not (q / "cases").exists() or not list((q / "cases").iterdir())
