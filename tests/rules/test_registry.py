"""The rule records (linting/rules/<category>.toml): one home per rule, validated with path:line errors."""
from __future__ import annotations

import pytest

from replydesk.linting import registry
from replydesk.linting.tomldata import DataFileError

GOOD = '''[[rule]]
code = "TONE901"
check = "words"
severity = "warning"
summary = "s"
why = "w"
references = ["coupang-appeals", "https://example.invalid/help"]

[[example]]
rule = "TONE901"
lang = "en"
text = "t"
flags = []
'''


@pytest.fixture
def load(monkeypatch):
    """Load `text` as if it were the only rule file, linting/rules/tone.toml."""

    def load(text: str):
        monkeypatch.setattr(registry, "_files", lambda: iter([("tone", "linting/rules/tone.toml", text)]))
        registry._rules.cache_clear()
        registry._examples.cache_clear()
        return list(registry.all_rules().values()), registry.rule_examples()

    yield load
    registry._rules.cache_clear()  # the next caller reads the shipped files again
    registry._examples.cache_clear()


def test_a_record_and_its_example_load_as_typed_values(load):
    (rule,), (example,) = load(GOOD)
    assert (rule.code, rule.category, rule.check, rule.severity.label) == ("TONE901", "tone", "words", "warning")
    assert rule.references == ("coupang-appeals", "https://example.invalid/help") and not rule.fixable
    assert (example.rule, example.flags, example.context) == ("TONE901", (), None)


@pytest.mark.parametrize("broken, line, message", [
    (GOOD.replace('check = "words"', 'check = "wordz"'), 3, "unknown check 'wordz'"),
    (GOOD.replace('severity = "warning"', 'severity = "loud"'), 4, "unknown severity 'loud'"),
    (GOOD.replace('summary = "s"', 'summary = "s"\nbad = "x"'), 6, "unknown key 'bad'"),
    (GOOD.replace('"coupang-appeals"', '"seed 004"'), 7, "reference 'seed 004' is neither"),
    (GOOD.replace('rule = "TONE901"', 'rule = "TONE902"'), 10, "example of 'TONE902', which is not a rule of this file"),
    (GOOD.replace('flags = []', 'flags = "x"'), 13, "'flags' must be a list"),
    (GOOD.replace('code = "TONE901"\n', ''), 1, "missing required key 'code'"),
    (GOOD + GOOD.split("\n\n")[0].replace("901", "903"), 14, "a [[rule]] record after the first [[example]]"),
])
def test_a_broken_record_is_reported_at_its_line(load, broken, line, message):
    with pytest.raises(DataFileError) as err:
        load(broken)
    assert str(err.value).startswith(f"linting/rules/tone.toml:{line}: ") and message in str(err.value)


def test_every_rule_cites_references_a_user_can_open_not_seeds():
    for info in registry.all_rules().values():
        assert "seed" not in info.why.lower(), info.code
        for ref in info.references:
            assert ref.startswith("https://") or registry.reference_path(ref) is not None


def test_every_check_a_record_names_is_a_module_with_check():
    reported = set()
    for module, codes in registry.checks():
        assert callable(module.check)
        reported.update(codes)
    assert reported == set(registry.all_rules())
