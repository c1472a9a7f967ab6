"""The glossary browser over the real term files: search KO/EN/ZH, read-only."""
from __future__ import annotations

import pytest

from replydesk.tui.queue.terms import load_term_rows, search_terms

from .conftest import settle


@pytest.fixture(scope="module")
def rows():
    rows, problem = load_term_rows()
    assert problem is None
    return rows


def test_real_glossary_rows_carry_all_three_languages_and_avoided_forms(rows):
    row = next(r for r in rows if r.ko == "배송지연")
    assert row.en == "shipping delay"
    assert "delivery delay" in row.avoid
    assert row.source.startswith("coupang.toml")


@pytest.mark.parametrize(
    "query, first_en",
    [
        ("배송지연", "shipping delay"),  # Korean, exact
        ("delivery delay", "shipping delay"),  # the avoided form finds the right term
        ("运单", "waybill number"),  # Chinese substring
        ("fulfilment", "fulfillment center"),  # British spelling: fuzzy
        ("waybil", "waybill number"),  # typo
    ],
)
def test_search_ranks_the_term_itself_first(rows, query, first_en):
    assert search_terms(query, rows)[0].en == first_en


def test_nonsense_finds_nothing(rows):
    assert search_terms("zzqxv", rows) == []


def test_term_rows_come_from_term_files_with_their_avoided_forms_and_source(rows):
    row = next(r for r in rows if r.ko == "물류센터")
    assert "fulfillment center" in row.en
    assert "풀필먼트 센터" in row.avoid
    assert row.source.startswith("coupang.toml")


def test_word_lists_and_templates_are_not_terms(rows):
    assert not [r for r in rows if r.source.startswith(("tone.toml", "templates.toml", "off-platform.toml"))]


async def test_g_opens_the_glossary_and_typing_searches(make_app):
    from replydesk.tui.screens.glossary import GlossaryScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, GlossaryScreen)
        for ch in "delivery delay":
            await pilot.press("space" if ch == " " else ch)
        await settle(pilot)
        assert screen.shown[0].en == "shipping delay"
        detail = str(screen.query_one("#glossary-detail").render())
        assert "배송지연" in detail and "delivery delay" in detail
        await pilot.press("enter", "down")
        assert screen.query_one("OptionList").highlighted == 1
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, GlossaryScreen)
