"""Case context validation, pack inheritance and errors, deadlines from windows."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from replydesk.linting.context import ContextError, context_from_mapping
from replydesk.linting.loading import builtin_pack_dir, load_packs
from replydesk.linting.tomldata import DataFileError

KST = timezone(timedelta(hours=9))


def test_context_fields_are_typed_and_ids_kept_as_strings():
    ctx = context_from_mapping({"platform": "Coupang", "order_ids": [22000009546234], "deadline": "2024-05-20T23:59:59+09:00",
                                "attachments": [{"name": "a.pdf", "bytes": 10}], "ignore": ["tone004"]})
    assert ctx.platform == "coupang"
    assert ctx.order_ids == ("22000009546234",)
    assert ctx.deadline == datetime(2024, 5, 20, 23, 59, 59, tzinfo=KST)
    assert ctx.attachments[0].bytes == 10
    assert ctx.ignored_rules() == frozenset({"TONE004"})


@pytest.mark.parametrize("data, key", [
    ({"order_ids": {"a": 1}}, "order_ids"),
    ({"deadline": "next friday"}, "deadline"),
    ({"attachments": [{"bytes": 3}]}, "attachments[1]"),
    ({"attachments": [{"name": "a", "bytes": -1}]}, "attachments[1].bytes"),
    ({"platfrom": "coupang"}, "platfrom"),
])
def test_bad_context_names_the_key(data, key):
    with pytest.raises(ContextError) as exc:
        context_from_mapping(data)
    assert exc.value.key == key


def test_case_files_may_carry_extra_fields_when_not_strict():
    ctx = context_from_mapping({"platform": "amazon", "subject": "x", "status": "new", "custom": 1}, strict=False)
    assert ctx.platform == "amazon"


def test_sent_replies_are_the_sellers_messages_only():
    ctx = context_from_mapping({"history": [{"who": "platform", "text": "a"}, {"who": "Seller", "text": "b"}]})
    assert ctx.sent_replies(frozenset({"seller"})) == ("b",) and ctx.notice_text(frozenset({"seller"})) == "a"


def test_platform_packs_inherit_the_base_pack():
    packs = load_packs()
    assert packs["coupang"].kind("atoz-review").max_chars == 200  # from general
    assert packs["amazon"].attachments.max_bytes == 5 * 1024 * 1024  # overridden
    assert packs["coupang"].attachments.max_bytes == 10 * 1024 * 1024
    assert packs["amazon"].language.allowed == ("en",)
    assert packs["tiktok"].language.allowed == ("en", "ko", "zh")


def test_atoz_deadline_is_end_of_day_7_in_kst():
    pack = load_packs()["coupang"]
    received = datetime(2024, 5, 20, 1, 30, tzinfo=timezone.utc)  # 10:30 KST
    assert pack.kind("atoz-review").window.deadline(received, pack.tz) == datetime(2024, 5, 27, 23, 59, 59, tzinfo=KST)
    assert pack.kind("cancellation-appeal").window.deadline(received, pack.tz) == datetime(2024, 5, 20, 12, 30, tzinfo=KST)


def test_business_day_windows_skip_weekends():
    pack = load_packs()["coupang"]
    friday = datetime(2024, 5, 24, 10, 0, tzinfo=KST)
    assert pack.kind("chargeback").window.deadline(friday, pack.tz) == datetime(2024, 5, 29, 10, 0, tzinfo=KST)


def _copy_packs(tmp_path: Path) -> Path:
    folder = tmp_path / "packs"
    folder.mkdir()
    for p in builtin_pack_dir().glob("*.toml"):
        (folder / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.mark.parametrize("mutate, expect_line, message", [
    (lambda t: t.replace('pattern = \'\\d{13,14}\'', 'pattern = \'(\\d{13,14}\''), None, "invalid regular expression"),
    (lambda t: t.replace('example = "22000009546234"', 'example = "CP-22000009546234"'), None, "does not match its own pattern"),
    (lambda t: t.replace('allowed = ["en", "ko"]', 'allowed = ["en", "kr"]'), None, "unknown language 'kr'"),
    (lambda t: t.replace('field = "order_ids"', 'field = "orders"', 1), None, "unknown ID field 'orders'"),
    (lambda t: t.replace('title = "Coupang (Korea)"', 'title = "Coupang (Korea)'), None, "Illegal character"),
])
def test_broken_copy_of_shipped_pack_reports_file_and_line(tmp_path, mutate, expect_line, message):
    folder = _copy_packs(tmp_path)
    path = folder / "coupang.toml"
    broken = mutate(path.read_text(encoding="utf-8"))
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(DataFileError) as exc:
        load_packs((folder,))
    err = exc.value
    assert err.path == str(path)
    assert message.lower() in err.message.lower()
    # The reported line is where the broken key is written.
    line_text = broken.splitlines()[err.line - 1]
    assert any(word in line_text for word in ("pattern", "example", "allowed", "field", "title")), line_text
