"""The pieces: Korean particles and agreement, English inflection, positions in TOML text."""
from __future__ import annotations

from replydesk.linting.glossary.english import carry_inflection, paradigm, variants
from replydesk.linting.glossary.korean import Allomorph, KoreanMorphology
from replydesk.linting.positions import TextPositions

MORPH = KoreanMorphology(
    frozenset({"이", "가", "을", "를", "은", "는", "에", "에서", "으로", "로", "도", "나", "이나", "했습니다"}),
    max_chain=2,
    allomorphs=(
        Allomorph("을", "를"),
        Allomorph("이", "가"),
        Allomorph("으로", "로", rieul_takes_vowel_form=True),
        Allomorph("이나", "나"),
    ),
)


def test_particle_chains_up_to_the_limit_are_endings():
    assert MORPH.is_ending("") and MORPH.is_ending("에서") and MORPH.is_ending("에서는")
    assert MORPH.is_ending("했습니다")
    assert not MORPH.is_ending("에서도는")  # three pieces, max_chain = 2
    assert not MORPH.is_ending("율") and not MORPH.is_ending("지연")


def test_particle_agreement_follows_the_last_syllable():
    assert MORPH.agree("물류센터", "을") == (1, "를")  # vowel-final: 를
    assert MORPH.agree("물류센터", "를") is None
    assert MORPH.agree("송장번호", "이") == (1, "가")
    assert MORPH.agree("택배", "으로") == (2, "로")
    assert MORPH.agree("환불", "으로") == (2, "로")  # a final ㄹ takes 로
    assert MORPH.agree("반품", "로") == (1, "으로")
    assert MORPH.agree("반품", "이나") is None  # 이나 read whole, not as 이 + 나
    assert MORPH.agree("물류센터", "이나") == (2, "나")
    assert MORPH.agree("shipping", "을") is None


def test_paradigm_prefers_the_words_own_inflections():
    assert "numbers" in paradigm("number")  # the lookup table alone maps number → numb
    assert set(paradigm("delay")) == {"delay", "delays", "delayed", "delaying"}


def test_variants_inflect_the_last_word_or_every_word():
    assert set(variants("delivery delay", True)) == {"delivery delay", "delivery delays", "delivery delayed", "delivery delaying"}
    assert "deliveries delays" in variants("delivery delay", "all")
    assert variants("delivery delay", False) == ["delivery delay"]


def test_carry_inflection_to_the_replacement():
    assert carry_inflection("delays", "delay", "shipping delay") == "shipping delays"
    assert carry_inflection("numbers", "number", "waybill number") == "waybill numbers"
    assert carry_inflection("delay", "delay", "shipping delay") == "shipping delay"
    assert carry_inflection("instructions", "instruction", "Delivery Started") is None  # no plural of "Started"
    assert carry_inflection("resent", "resend", "send again") is None  # irregular: not guessed


TOML = """[glossary]
name = "x"  # comment with [brackets]

[[entry]]
id = "a"
avoid = [
  "one",
  { form = "two", reason = "r" },  # comment
  { form = "three, four", reason = "r" },
]

[[entry]]
id = "b"
must_flag = [{ text = "x [y] z", suggestion = "s" }]
[entry.scope]
kinds = ["k"]
"""


def test_positions_of_tables_keys_and_inline_items():
    pos = TextPositions(TOML)
    assert pos.locate(("glossary", "name")) == (2, 1)
    assert pos.locate(("entry", 0)) == (4, 1)
    assert pos.locate(("entry", 0, "avoid")) == (6, 1)
    assert pos.locate(("entry", 0, "avoid", 0)) == (7, 3)
    assert pos.locate(("entry", 0, "avoid", 2, "reason")) == (9, 27)
    assert pos.locate(("entry", 1, "must_flag", 0, "suggestion")) == (14, 34)
    assert pos.locate(("entry", 1, "scope", "kinds")) == (16, 1)
    assert pos.locate(("entry", 1, "missing")) == (12, 1)  # falls back to the entry
