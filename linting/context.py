"""Case context: what the linter must know about the case a reply answers.

The same field names serve draft front matter, `--case FILE` JSON and the
queue's case files, so one validator (`context_from_mapping`) covers all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

from .schema import SchemaError, decode, key, not_negative

KINDS_DEFAULT = "general"
PLATFORM_DEFAULT = "general"
# Every platform counts its clocks in Korean time for these sellers; a time written without an
# offset (front matter, case files, imports) is read as KST, wherever it is read.
KST = timezone(timedelta(hours=9), "KST")
# The case fields that hold the case's own IDs, with the label the desk shows: listed here only.
ID_FIELDS: dict[str, str] = {
    "order_ids": "Order IDs",
    "claim_ids": "Claim IDs",
    "case_ids": "Case IDs",
    "asins": "ASINs",
}


class ContextError(SchemaError):
    """A context field with the wrong shape; `key` ("attachments[2].bytes") lets callers find its line."""

    def __init__(self, key: str, message: str, keys: tuple = ()):
        super().__init__(keys or (key,), message)
        self.key = key

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"

    @classmethod
    def at(cls, exc: SchemaError) -> "ContextError":
        """The schema's key path as one key text: ("attachments", 1, "bytes") -> "attachments[2].bytes"."""
        text = ""
        for part in exc.keys:
            text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        message = exc.message
        last = next((part for part in reversed(exc.keys) if isinstance(part, str)), None)
        if last is not None:  # the key text already names it: "attachments[1].bytes: must not be negative"
            message = re.sub(rf"^'{re.escape(last)}'(?: item \d+)? ", "", message)
        return cls(text or "(root)", message, exc.keys)


def parse_datetime(key: str, value) -> datetime:
    """An aware date-time from ISO 8601 text (or a TOML date-time); without an offset it is KST.

    The one reading of a time for the linter, the desk, locks, journals and
    the importer, so the same text never means two moments.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ContextError(key, f"not an ISO 8601 date-time: {value!r}") from None
    else:
        raise ContextError(key, f"expected an ISO 8601 date-time string, got {type(value).__name__}")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=KST)


def time_or_none(value) -> datetime | None:
    """A history entry's time as `parse_datetime` reads it, or None when it has none or
    holds no time (readers that only sort or count: the validator reports a bad one)."""
    if value is None:
        return None
    try:
        return parse_datetime("when", value)
    except (ContextError, ValueError, TypeError, OverflowError):
        return None


# --- how the file may write a field, and what the linter gets ------------------------------------

IdList = str | int | tuple[str | int, ...]  # one ID or a list; numbers are kept as the digits written


def _strings(value) -> tuple[str, ...]:
    return tuple(str(v).strip() for v in (value if isinstance(value, tuple) else (value,)))


def _name(value: str) -> str:
    return value.strip().lower()


def _non_empty(value: str) -> str | None:
    return None if value.strip() else "must be a non-empty string"


def _when(value) -> datetime:
    try:
        return parse_datetime("", value)
    except ContextError as exc:
        raise SchemaError((), exc.message) from None


def _is_time(value) -> str | None:
    return None if isinstance(value, (str, datetime)) else f"must be an ISO 8601 date-time string, got {type(value).__name__}"


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str = key(required=True, doc="the file name as uploaded")
    bytes: int | None = key(None, check=not_negative, aliases=("size",), doc="its size (ATT002)")
    width: int | None = key(None, check=not_negative, doc="image width in pixels (ATT007)")
    height: int | None = key(None, check=not_negative, doc="image height in pixels")


def _rule_code(value: str) -> str:
    return value.strip().upper()


def _quoted(value: str) -> str | None:
    return None if value.strip() else "must quote some of the reply's text (leave it out to ignore the rule everywhere)"


@dataclass(frozen=True, slots=True)
class Suppression:
    """One `ignore` entry: a rule silenced in this draft or case, everywhere or only inside `text`.

    The reply goes to the platform verbatim, so a false alarm cannot be
    silenced by a comment in its body (as `# noqa` does in code): the entry
    quotes the text it applies to instead, and a finding of the rule whose
    span lies inside an occurrence of that text is suppressed (white space
    and letter case need not match). The desk records `by` and `when` with
    the operator's reason; `lint --show-ignored` and `export` show them.
    """

    rule: str = key(required=True, check=_non_empty, convert=_rule_code, doc="the rule's code, or a prefix (`TONE`)")
    text: str | None = key(None, check=_quoted, doc="only where the finding lies inside this quoted text of the reply")
    reason: str | None = key(None, doc="why the finding is a false alarm here")
    by: str | None = key(None, doc="who decided it (the desk writes the operator)")
    when: str | None = key(None, accepts=Any, convert=lambda v: None if v is None else str(v), doc="when (ISO 8601)")

    def covers_rule(self, rule: str) -> bool:
        return rule.startswith(self.rule)

    def describe(self) -> str:
        """One line for people: what is ignored, where, by whom and why."""
        where = f" in “{self.text}”" if self.text else ""
        who = f" by {self.by}" if self.by else ""
        why = f": {self.reason}" if self.reason else ""
        return f"{self.rule} ignored{where}{who}{why}"

    def as_mapping(self) -> dict | str:
        """How a file writes it: the bare code when nothing else is said."""
        values = {name: getattr(self, name) for name in ("rule", "text", "reason", "by", "when")}
        values = {k: v for k, v in values.items() if v is not None}
        return self.rule if values.keys() == {"rule"} else values


def _suppressions(value) -> tuple[Suppression, ...]:
    items = value if isinstance(value, tuple) else (value,)
    out: list[Suppression] = []
    for item in items:
        entry = Suppression(rule=_rule_code(item)) if isinstance(item, str) else item
        if entry not in out:
            out.append(entry)
    return tuple(out)


def _rule_codes_given(value) -> str | None:
    items = value if isinstance(value, tuple) else (value,)
    for item in items:
        if isinstance(item, str) and not item.strip():
            return "must not hold an empty rule code"
    return None


def _attachments(items) -> tuple[Attachment, ...]:
    return tuple(Attachment(name=item) if isinstance(item, str) else item for item in items)


@dataclass(frozen=True, slots=True)
class HistoryMessage:
    """One entry of the case's history: a message (the notice, the buyer's, ours) or a desk record.

    The desk records assignments and status changes in the same list, in
    time order, so that the case has one history; such a record has an
    `event` and is not a message: the linter reads only the messages.
    Other keys a tool adds are kept in the file.
    """

    __schema_open__ = True
    who: str = key("", convert=_name, doc="`platform`, `customer`, or one of the pack's `seller_roles` (`seller`); on a desk record, the operator")
    when: str | None = key(None, accepts=Any, convert=lambda v: None if v is None else str(v), doc="ISO 8601; without an offset, KST")
    text: str = key("", required=True, doc="the message as received or sent; on a desk record, what happened in words")
    event: str | None = key(None, accepts=Any, convert=lambda v: None if v is None else str(v), doc="set on the desk's own records (`assigned`, `status`, `undo`): not a message, the linter skips it")


@dataclass(frozen=True)
class CaseContext:
    """What the linter knows of the case; also the schema of front matter and case files' linter fields."""

    platform: str = key(PLATFORM_DEFAULT, check=_non_empty, convert=_name, doc="a pack name: `coupang`, `amazon`, `tiktok`, `shopee`, `general`, or your own")
    kind: str = key(KINDS_DEFAULT, check=_non_empty, convert=_name, doc="`cancellation-appeal`, `return-dispute`, `notice-of-action`, `chargeback`, `atoz-review`, `policy-notice`, `general`")
    order_ids: tuple[str, ...] = key((), accepts=IdList, convert=_strings, doc="this case's order IDs (keep long numbers as strings)")
    claim_ids: tuple[str, ...] = key((), accepts=IdList, convert=_strings, doc="its claim, return or dispute IDs")
    case_ids: tuple[str, ...] = key((), accepts=IdList, convert=_strings, doc="its platform case or notice IDs")
    asins: tuple[str, ...] = key((), accepts=IdList, convert=_strings, doc="its products' ASINs")
    required_keywords: tuple[str, ...] | None = key(None, accepts=IdList, convert=_strings, doc="when present, the complete list of keywords the notice demands (else the pack's for the kind); `a | b`: either")
    attachments: tuple[Attachment, ...] = key((), accepts=tuple[str | Attachment, ...], convert=_attachments, doc="the files that go with the reply: names, or tables")
    required_evidence: tuple[str, ...] | None = key(None, accepts=IdList, convert=_strings, doc="the evidence the notice itself demands: `[evidence]` types of the pack or the notice's own words; when present, the complete list (ATT008)")
    received_at: datetime | None = key(None, accepts=Any, check=_is_time, convert=_when, doc="when the notice came (ISO 8601; without an offset, KST)")
    deadline: datetime | None = key(None, accepts=Any, check=_is_time, convert=_when, doc="when the answer is due (ISO 8601; without an offset, KST)")
    drafted_at: datetime | None = key(None, accepts=Any, check=_is_time, convert=_when, doc="when the reply is drafted, for the follow-up rules (FUP002); none: `lint` and the desk use the clock, so pin it to lint as of a date")
    ignore: tuple[Suppression, ...] = key((), accepts=str | tuple[str | Suppression, ...], check=_rule_codes_given, convert=_suppressions, doc="rules to silence for this draft or case: codes (`\"TONE004\"`), or tables `{ rule, text, reason }` that silence a rule only inside the quoted text")
    history: tuple[HistoryMessage, ...] = key((), doc="the case's messages and the desk's records (`event`) in time order; the seller's own messages are checked for repeats")
    # The fields its source wrote (front matter, a case file), so that a case file laid over
    # front matter sets exactly those, a default value included; None (a context built in
    # code): the fields that differ from the default.
    given: frozenset[str] | None = field(default=None, compare=False, repr=False, metadata={"derived": True})

    def merged(self, **overrides) -> "CaseContext":
        changes = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **changes) if changes else self

    def drafted(self, now: datetime) -> "CaseContext":
        """This context as of `now`, the caller's clock (the follow-up rules' "now"), unless a
        source pinned `drafted_at`; laid over another context, it sets that time too."""
        if self.drafted_at is not None:
            return self
        return replace(self, drafted_at=now, given=None if self.given is None else self.given | {"drafted_at"})

    def ignored_rules(self) -> frozenset[str]:
        """The codes (or prefixes) silenced everywhere in this draft or case."""
        return frozenset(s.rule for s in self.ignore if s.text is None)

    def ids_of(self, field_name: str) -> tuple[str, ...]:
        return getattr(self, field_name, ())

    def fields_given(self) -> frozenset[str]:
        """The fields this context sets when laid over another (see `given`)."""
        if self.given is not None:
            return self.given
        default = _DEFAULT_CONTEXT
        return frozenset(f for f in _CONTEXT_FIELDS if getattr(self, f) != getattr(default, f))

    def over(self, base: "CaseContext") -> "CaseContext":
        """`base` with the fields this context sets replaced by this context's values."""
        names = self.fields_given()
        if not names:
            return base
        merged = replace(base, **{name: getattr(self, name) for name in names})
        if "ignore" in names and base.ignore:  # suppressions add up: the draft's and the case's both hold
            merged = replace(merged, ignore=_suppressions(base.ignore + self.ignore))
        return replace(merged, given=None if base.given is None else base.given | names)

    def sent_replies(self, seller_roles: frozenset[str]) -> tuple[str, ...]:
        """Texts this seller already sent in the case (for the repeat check); `seller_roles`:
        the `who` values that are the seller's own (the pack's `[history] seller_roles`)."""
        return tuple(m.text for m in self.messages() if m.who in seller_roles)

    def notice_text(self, seller_roles: frozenset[str]) -> str:
        """Everything in the history that the seller did not write: the notice and the buyer's messages."""
        return " ".join(m.text for m in self.messages() if m.who not in seller_roles)

    def messages(self) -> tuple[HistoryMessage, ...]:
        """The history's messages: the desk's records of assignments and status changes left out."""
        return tuple(m for m in self.history if m.event is None)


_CONTEXT_FIELDS = tuple(f.name for f in fields(CaseContext) if f.name != "given")
_DEFAULT_CONTEXT = CaseContext()
@cache
def _queue_keys() -> frozenset[str]:
    """A queue case's own keys (`casefile.QueueFields`): front matter may carry them too
    (a case file pasted as front matter); the linter does not read them."""
    from .casefile import QueueFields
    from .schema import allowed_keys

    return allowed_keys(QueueFields) - allowed_keys(CaseContext)


def context_from_mapping(data: dict, *, strict: bool = True) -> CaseContext:
    """Validate a front-matter / case-file mapping into a CaseContext (the schema: CaseContext's fields).

    Unknown keys raise when `strict` (front matter: a typo must not be
    silently ignored); case files pass strict=False for their extra fields.
    """
    if not isinstance(data, dict):
        raise ContextError("(root)", "expected a table of case fields")
    try:
        ctx = decode(CaseContext, data, allow_extra=_queue_keys() if strict else True)
    except SchemaError as exc:
        raise ContextError.at(exc) from None
    return replace(ctx, given=frozenset(name for name in _CONTEXT_FIELDS if name in data))
