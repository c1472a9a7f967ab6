"""One case file, one reading: `lint --case`, the desk and the importer agree on every field."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from replydesk.linting.casefile import CaseFileError, case_from_mapping, load_case, load_case_context
from replydesk.linting.context import ID_FIELDS, KST
from replydesk.linting.loading import load_resources

PACKS = load_resources().packs

CASE = {
    "id": "CP-1",
    "platform": "coupang",
    "kind": "return-dispute",
    "subject": "반품 분쟁",
    "received_at": "2024-05-18T14:30:00",
    "deadline": "2024-05-20T23:59:59",
    "order_ids": ["22000009546234"],
    "claim_ids": ["CL-1"],
    "history": [{"who": "seller", "when": "2024-05-18T15:00:00", "text": "sent"}],
}


def _write(tmp_path, data) -> object:
    path = tmp_path / f"{data.get('id', 'case')}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_a_time_without_offset_is_kst_for_lint_case_and_for_the_desk(tmp_path):
    path = _write(tmp_path, CASE)
    for_lint = load_case_context(path)
    for_desk = load_case(path, PACKS)
    expected = datetime(2024, 5, 18, 14, 30, tzinfo=KST)
    assert for_lint.received_at == expected and for_lint.received_at.utcoffset() == expected.utcoffset()
    assert for_desk.received_at == expected and for_desk.context.received_at == expected
    assert for_lint.deadline == for_desk.deadline == for_desk.context.deadline == datetime(2024, 5, 20, 23, 59, 59, tzinfo=KST)


def test_the_desk_lints_the_context_it_validated(tmp_path):
    case = load_case(_write(tmp_path, CASE), PACKS)
    assert case.context is case.context  # validated once, not serialised and validated again
    assert case.context.order_ids == ("22000009546234",) and case.context.sent_replies(PACKS["coupang"].history.seller_roles) == ("sent",)
    assert {name: case.ids(name) for name in ID_FIELDS} == {
        "order_ids": ("22000009546234",), "claim_ids": ("CL-1",), "case_ids": (), "asins": ()
    }


def test_a_bulk_loaded_case_reports_a_broken_linter_field_when_first_linted():
    case = case_from_mapping({**CASE, "order_ids": 5.5}, PACKS, thorough=False)
    with pytest.raises(CaseFileError, match="order_ids: must be a string, an integer or a list"):
        case.context
    with pytest.raises(CaseFileError, match="order_ids: must be a string, an integer or a list"):
        case_from_mapping({**CASE, "order_ids": 5.5}, PACKS)


def test_lint_case_and_desk_name_the_same_line_for_the_same_mistake(tmp_path):
    path = _write(tmp_path, {**CASE, "claim_ids": {"a": 1}})
    with pytest.raises(CaseFileError) as lint_error:
        load_case_context(path)
    with pytest.raises(CaseFileError) as desk_error:
        load_case(path, PACKS)
    assert str(lint_error.value) == str(desk_error.value)
    claim_line = path.read_text(encoding="utf-8").splitlines().index('  "claim_ids": {') + 1
    assert lint_error.value.line == claim_line and "claim_ids: must be a string, an integer or a list" in lint_error.value.message


def test_lint_case_needs_no_queue_keys(tmp_path):
    path = tmp_path / "c.json"
    path.write_text('{"platform": "amazon", "kind": "atoz-review", "asins": ["B0CX1Y2Z3A"]}', encoding="utf-8")
    ctx = load_case_context(path)
    assert (ctx.platform, ctx.kind, ctx.asins) == ("amazon", "atoz-review", ("B0CX1Y2Z3A",))
    with pytest.raises(CaseFileError, match="missing required key 'id'"):
        load_case(path, PACKS)


def test_a_case_file_over_front_matter_sets_exactly_the_fields_it_writes(linter, tmp_path):
    """A case file saying `kind = "general"` (the default) still replaces the front matter's kind;
    a field it does not write keeps the front matter's value."""
    path = tmp_path / "c.json"
    path.write_text('{"platform": "coupang", "kind": "general", "required_keywords": []}', encoding="utf-8")
    text = '+++\nkind = "return-dispute"\norder_ids = ["22000009546234"]\n+++\nOrder 22000009546234 was delivered.\n'
    result = linter.lint_text(text, overrides=load_case_context(path))
    assert result.context.kind == "general"
    assert result.context.required_keywords == ()
    assert result.context.order_ids == ("22000009546234",)


def test_queue_fields_are_declared_once_and_front_matter_may_carry_them(linter):
    """A case file pasted as front matter is accepted (its queue keys come from QueueFields); a typo is not."""
    from replydesk.linting.casefile import QueueFields
    from replydesk.linting.context import ContextError, context_from_mapping
    from replydesk.linting.schema import allowed_keys

    queue_only = allowed_keys(QueueFields) - {"received_at", "deadline"}
    assert {"id", "subject", "status", "priority", "source_id", "assignee"} <= queue_only
    ctx = context_from_mapping({"platform": "coupang", "id": "CP-1", "subject": "s", "source_id": "220", "status": "new"})
    assert ctx.platform == "coupang"
    with pytest.raises(ContextError, match="did you mean 'subject'"):
        context_from_mapping({"platform": "coupang", "subjet": "s"})


@pytest.mark.parametrize("key", ["id", "subject", "received_at", "status"])
def test_a_null_where_a_value_is_needed_is_an_error_at_its_line_not_a_crash(tmp_path, key):
    """JSON's null for a key whose type admits none: the desk, stats and the importer name it."""
    data = {"id": "CP-1", "platform": "coupang", "kind": "general", "subject": "s",
            "received_at": "2024-05-20T09:00:00+09:00", "status": "new"}
    data[key] = None
    path = tmp_path / "CP-1.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    with pytest.raises(CaseFileError) as info:
        load_case(path, PACKS)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if f'"{key}"' in text)
    assert str(info.value).startswith(f"{path}:{line}: {key} must not be null")
