"""The life of a notice after the draft, driven with keys: the evidence checklist, mark sent
with a receipt, the platform's answer (under review, closed with an outcome) and the next date
that matters in the queue."""
from __future__ import annotations

import json
from datetime import timedelta

from replydesk.tui.queue.store import QueueStore
from replydesk.tui.screens.dialogs import AskText, ChoiceDialog
from replydesk.tui.screens.queue import QueueScreen

from .conftest import open_case, settle, type_text, wait_for

CHARGEBACK = "CP-240516-0006"  # drafting; one attachment: Evidence_ProofOfDelivery_….jpg
CLEAN_READY = "CP-240517-0005"  # ready, no errors in its draft (stub linter); Evidence_DispatchLog_….pdf
POLICY = "CP-240519-0007"  # a policy notice: no evidence list
AMAZON_CASE = "AMZ-CASE-0015"  # amazon general: a follow-up is due 5 business days after the send


def case_file(queue_dir, case_id) -> dict:
    return json.loads((queue_dir / "cases" / f"{case_id}.json").read_text(encoding="utf-8"))


def write_case(queue_dir, data: dict) -> None:
    (queue_dir / "cases" / f"{data['id']}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def send_clean_ready(queue_dir, when, receipt=None) -> None:
    """bob sends CLEAN_READY's saved draft at `when`, as another desk would."""
    draft = (queue_dir / "drafts" / f"{CLEAN_READY}.txt").read_text(encoding="utf-8")
    QueueStore(queue_dir, index_path=False).mark_sent(CLEAN_READY, draft, "bob", when, receipt=receipt)


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def cursor_to(pilot, case_id: str):
    table = pilot.app.screen.query_one("QueueTable")
    table.set_cursor(next(i for i, c in enumerate(table.rows) if c.id == case_id))
    await pilot.pause()
    return table


def rendered(widget) -> str:
    """A Static's content as the terminal shows it (a rich Table included)."""
    import io

    from rich.console import Console

    console = Console(file=io.StringIO(), width=120, color_system=None)
    console.print(widget.content)
    return console.file.getvalue()


def row_text(table, case_id: str) -> str:
    index = next(i for i, c in enumerate(table.rows) if c.id == case_id)
    table.set_cursor(index)
    return table.render_line(table.cursor - int(table.scroll_offset.y) + 1).text


# --- the evidence checklist ----------------------------------------------------------------


async def test_the_checklist_shows_each_item_the_file_that_covers_it_and_the_gap(make_app, queue_dir):
    data = case_file(queue_dir, CHARGEBACK)
    data["required_evidence"] = ["proof-of-delivery", "invoice"]
    write_case(queue_dir, data)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, CHARGEBACK, edit=False)
        pane = screen.query_one("#evidence-checklist")
        assert pane.display
        text = str(pane.render())
        assert "Evidence (1/2 covered; the notice's list)" in text
        assert "✓ proof of delivery (signature, time and address)  Evidence_ProofOfDelivery_20240510_22000009398841.jpg" in text
        assert "✗ the invoice or purchase record  no attachment named for it" in text
        # A colleague adds the invoice to the case file: the pane follows the file, no key pressed.
        data["attachments"].append({"name": "Evidence_Invoice_20240510_22000009398841.pdf"})
        write_case(queue_dir, data)
        await wait_for(pilot, lambda: "2/2 covered" in str(screen.query_one("#evidence-checklist").render()), timeout=10)
        assert "✗" not in str(screen.query_one("#evidence-checklist").render())


async def test_the_kinds_usual_list_is_a_reminder_and_a_kind_without_one_shows_no_pane(make_app, queue_dir):
    data = case_file(queue_dir, CHARGEBACK)
    data["attachments"] = [{"name": "IMG_2041.jpg"}]
    write_case(queue_dir, data)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, CHARGEBACK, edit=False)
        text = str(screen.query_one("#evidence-checklist").render())
        assert "(0/1 covered; usual for a Chargeback / dispute evidence)" in text
        assert "✗ proof of delivery" in text
        assert "IMG_2041.jpg" not in text  # an unrelated file is judged only against the notice's own list
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_case(pilot, POLICY, edit=False)
        assert not screen.query_one("#evidence-checklist").display


# --- mark sent with a receipt ----------------------------------------------------------------


async def test_mark_sent_asks_for_the_receipt_and_keeps_it_with_the_attachments(make_app, queue_dir, clock):
    draft = (queue_dir / "drafts" / f"{CLEAN_READY}.txt").read_text(encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await open_case(pilot, CLEAN_READY, edit=False)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AskText))
        dialog = pilot.app.screen
        assert dialog.id == "receipt-dialog"
        assert "1 attachment(s): Evidence_DispatchLog_20240517.pdf" in dialog.message
        await type_text(pilot, "SC-20240520-7731")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, QueueScreen))
        assert any("receipt SC-20240520-7731" in m for m in messages(app))
        # The history says what an audit asks of the submission: its receipt and what went with it.
        screen = await open_case(pilot, CLEAN_READY, edit=False)
        assert "Sent      2024-05-20 12:00 KST by alice, receipt SC-20240520-7731" in str(screen.query_one("#case-details").render())
        await pilot.press("h")
        await wait_for(pilot, lambda: pilot.app.screen.id == "history-screen")
        entries = str(pilot.app.screen.query_one("#history-entries").render())
        assert "receipt SC-20240520-7731 · attached: Evidence_DispatchLog_20240517.pdf" in entries
    data = case_file(queue_dir, CLEAN_READY)
    assert data["status"] == "sent"
    message, record = data["history"][-2:]
    assert (message["text"], message["sent_by"], message["receipt"]) == (draft, "alice", "SC-20240520-7731")
    assert message["attachments"] == ["Evidence_DispatchLog_20240517.pdf"]
    assert message["when"] == record["when"] == "2024-05-20T12:00:00+09:00"
    assert record["text"] == "alice marked the case sent (was ready): receipt SC-20240520-7731"


async def test_escape_at_the_receipt_question_sends_nothing(make_app, queue_dir):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, CLEAN_READY, edit=False)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AskText))
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen
    assert case_file(queue_dir, CLEAN_READY)["status"] == "ready"


# --- the platform's answer --------------------------------------------------------------------


async def test_v_records_under_review_then_the_outcome_and_u_undoes_it(make_app, queue_dir, clock):
    send_clean_ready(queue_dir, clock() - timedelta(hours=1), receipt="R-1")
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        table = await cursor_to(pilot, CLEAN_READY)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        assert "Sent 2024-05-20 11:00 KST by bob, receipt R-1. CP-240517-0005 is sent now." in pilot.app.screen.message
        await pilot.press("u")
        await settle(pilot)
        assert case_file(queue_dir, CLEAN_READY)["status"] == "under-review"
        await cursor_to(pilot, CLEAN_READY)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        await pilot.press("d")
        await settle(pilot)
        data = case_file(queue_dir, CLEAN_READY)
        assert (data["status"], data["outcome"]) == ("closed", "denied")
        closing = data["history"][-1]
        assert (closing["event"], closing["from"], closing["to"], closing["outcome"], closing["who"]) == (
            "status", "under-review", "closed", "denied", "alice")
        assert closing["text"] == "alice closed the case: denied (was under-review)"
        assert " denied " in row_text(table, CLEAN_READY)  # the STATUS column shows the outcome
        await cursor_to(pilot, CLEAN_READY)
        await pilot.press("u")
        await settle(pilot)
        data = case_file(queue_dir, CLEAN_READY)
        assert (data["status"], data.get("outcome")) == ("under-review", None)


async def test_v_on_a_case_not_yet_sent_says_so_and_records_nothing(make_app, queue_dir):
    before = case_file(queue_dir, CHARGEBACK)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await cursor_to(pilot, CHARGEBACK)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(pilot.app.screen, QueueScreen)
        assert any("record the platform's answer once the reply is sent" in m for m in messages(app))
    assert case_file(queue_dir, CHARGEBACK) == before


async def test_the_case_screen_records_the_outcome_and_shows_it_in_the_title(make_app, queue_dir, clock):
    send_clean_ready(queue_dir, clock())
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, CLEAN_READY, edit=False)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
        await pilot.press("r")
        await settle(pilot)
        assert pilot.app.screen is screen
        title = str(screen.query_one("#case-title").render())
        assert "closed" in title and "reversed" in title
    assert case_file(queue_dir, CLEAN_READY)["outcome"] == "reversed"


# --- the next date that matters -----------------------------------------------------------------


async def test_the_queue_shows_the_follow_up_date_of_a_sent_case(make_app, queue_dir, clock):
    # Sent Monday 2024-05-20 12:00 KST: Amazon's follow-up is due 5 US business days later,
    # Tuesday 2024-05-28 12:00 (Memorial Day, 05-27, is not one): 8 days from now.
    store = QueueStore(queue_dir, index_path=False)
    store.mark_sent(AMAZON_CASE, "Case 12345678901: the order shipped on 2024-05-16 11:00 KST; tracking attached.", "bob", clock())
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("QueueTable")
        line = row_text(table, AMAZON_CASE)
        assert line.lstrip().startswith("F 8d00h")
        case = app.case_by_id(AMAZON_CASE)
        label, moment = case.next_date(clock())
        assert (label, moment.isoformat()) == ("follow-up", "2024-05-28T12:00:00+09:00")
        # Answered cases sink below every case that still needs an answer.
        assert table.rows.index(case) > max(i for i, c in enumerate(table.rows) if not c.answered)


# --- the figures and the export from the desk ------------------------------------------------------


async def test_shift_s_shows_the_figures_of_the_loaded_cases_and_b_groups_them(make_app, queue_dir, clock):
    from replydesk.tui.queue.stats import weekly
    from replydesk.tui.screens.stats import StatsScreen

    send_clean_ready(queue_dir, clock())
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, StatsScreen))
        screen = pilot.app.screen
        summary = str(screen.query_one("#stats-summary").render())
        # 12 due in the demo at its anchor, 6 of them answered on time; plus the case just sent on time.
        assert "Response rate 54% (7 of 13 due answered on time)" in summary
        table = rendered(screen.query_one("#stats-table"))
        assert "platform" in table and "coupang" in table and "amazon" in table
        chart = rendered(screen.query_one("#stats-chart"))
        assert "2024-W21" in chart and "2024-W14" in chart  # the last 8 weeks, oldest first
        # The response rate per week, oldest first: W14 and W15 had no case due (0), W16 and W17
        # were answered on time, W18 late; the rest as the summary's weeks.
        rates = screen.query_one("#stats-sparkline").data
        assert len(rates) == 8 and rates[:5] == [0.0, 0.0, 1.0, 1.0, 0.0]
        assert rates == [p.response_rate or 0.0 for p in weekly(app.view.cases, clock(), weeks=8, packs=app.store.packs)]
        await pilot.press("b")
        await settle(pilot)
        assert rendered(screen.query_one("#stats-table")).split()[0] == "kind"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, QueueScreen)


async def test_x_exports_the_case_as_one_html_file_where_the_operator_says(make_app, queue_dir, tmp_path):
    target = tmp_path / "out" / "chain.html"
    target.parent.mkdir()
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await cursor_to(pilot, CHARGEBACK)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AskText))
        assert pilot.app.screen.value.startswith(f"~/replydesk-exports/{CHARGEBACK}-20240520-120000")
        field = pilot.app.screen.query_one("#ask-input")
        field.value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, target.exists)
        assert any(f"exported to {target}" in m for m in messages(app))
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert CHARGEBACK in page and "Evidence_ProofOfDelivery_20240510_22000009398841.jpg" in page


async def test_an_export_to_a_missing_folder_is_refused_and_says_where(make_app, queue_dir, tmp_path):
    target = tmp_path / "nowhere" / "chain.html"
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert app.write_export(CHARGEBACK, target) is None
        await pilot.pause()
        assert any(f"Not exported to {target}" in m and "no such folder" in m for m in messages(app)), messages(app)
    assert not target.parent.exists()


async def test_a_follow_up_typed_too_soon_is_flagged_with_the_date_it_is_due(make_app, queue_dir, clock, real_linter):
    """The desk lints with its own clock as the draft's "now": a follow-up written a day after
    the reply, where Amazon asks for 5 business days, gets FUP002 with the due date."""
    store = QueueStore(queue_dir, index_path=False)
    store.mark_sent(AMAZON_CASE, "Case 12345678901: the order shipped on 2024-05-16 11:00 KST; tracking attached.", "bob",
                    clock() - timedelta(days=1))
    app = make_app(linter=real_linter)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_case(pilot, AMAZON_CASE)
        await type_text(pilot, "Could you confirm that the tracking for case 12345678901 was received?")
        await wait_for(pilot, lambda: any(f.rule == "FUP002" for f in screen.current_findings()), timeout=15)
        finding = next(f for f in screen.current_findings() if f.rule == "FUP002")
        assert "a follow-up before 2024-05-24 12:00 KST is too early" in finding.message


# --- the follow-up alarm ----------------------------------------------------------------------------


def test_a_sent_case_rings_once_when_its_follow_up_date_comes_and_not_once_closed(queue_dir, clock):
    from replydesk.tui.queue.alarms import DeadlineAlarms, describe

    store = QueueStore(queue_dir, index_path=False)
    sent_at = clock()
    store.mark_sent(AMAZON_CASE, "Case 12345678901: the order shipped on 2024-05-16 11:00 KST; tracking attached.", "bob", sent_at)
    alarms = DeadlineAlarms("alice")

    def check(now):
        return [c for c in alarms.check(store.load().cases, now) if c.case.id == AMAZON_CASE]

    assert check(sent_at) == []  # the first scan only learns where things stand
    due = store.reload_case(AMAZON_CASE).after_sending["follow-up"]
    assert due.isoformat() == "2024-05-28T12:00:00+09:00"
    alarms.cases_changed()
    assert check(due - timedelta(seconds=1)) == []  # no "soon" for a follow-up
    alarms.cases_changed()
    crossed = check(due)
    assert len(crossed) == 1 and crossed[0].follow_up
    message, severity = describe(crossed, due)
    assert message.startswith(f"{AMAZON_CASE}: a follow-up is due (no answer since the reply; due 2024-05-28 12:00 KST)")
    assert severity == "warning"
    alarms.cases_changed()
    assert check(due + timedelta(hours=1)) == []  # once
    store.record_result(AMAZON_CASE, "closed", "alice", due, outcome="accepted")
    later = DeadlineAlarms("alice")
    later.check(store.load().cases, due)
    assert not later.watches(store.reload_case(AMAZON_CASE))  # a closed case has no follow-up to ring for


def test_the_response_rate_is_reversed_below_the_packs_target_only():
    from replydesk.linting.loading import load_packs
    from replydesk.tui.queue.location import demo_anchor
    from replydesk.tui.queue.stats import Figures
    from replydesk.tui.screens.stats import summary_text

    assert load_packs()["general"].metrics.response_rate_target == 0.95  # general.toml [metrics]
    ninety = Figures(cases=10, due=10, answered=9, on_time=9)

    def styles(target):
        text = summary_text(ninety, demo_anchor(), target)
        return {str(span.style) for span in text.spans if text.plain[span.start:span.end] == "90%"}

    assert styles(0.95) == {"bold reverse"}
    assert styles(0.85) == {"bold"}
