"""Platform packs: the data that says what each platform demands of a reply.

A pack is TOML (see `packs/*.toml`); the dataclasses below are its schema
(`schema.decode` derives the allowed keys, types and defaults from them, so
a new pack key is one field here, set in `general.toml`). Packs inherit
from the `general` pack table by table, so a platform pack states only
what differs. Reading files happens in `loading`; everything here is pure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta, timezone
from functools import lru_cache

from ..calendar import WEEKENDS_ONLY, BusinessCalendar
from ..context import ID_FIELDS
from ..schema import SchemaError, decode, key, one_of, positive

LANGUAGE_CODES = ("en", "ko", "zh", "ja", "other")
PRIORITIES = ("high", "normal", "low")  # a case's priority; the kind's default comes from its pack


@lru_cache(maxsize=None)
def _regex_problem(pattern: str) -> str | None:
    """Invalid or backtracking-prone patterns are refused: they run on every draft.

    Remembered per pattern: every platform pack inherits the base pack's
    patterns, and each would otherwise be analysed once per pack.
    """
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression {pattern!r}: {exc}"
    from ..regexcheck import problems

    found = problems(pattern)
    return f"regular expression {pattern!r} {found[0]}" if found else None


def _known_id_field(value: str) -> str | None:
    if value and value not in ID_FIELDS:
        return f"unknown ID field {value!r} (known: {', '.join(ID_FIELDS)})"
    return None


def _known_id_fields(values) -> str | None:
    return next(filter(None, map(_known_id_field, values)), None)


def _extensions(values) -> tuple[str, ...]:
    return tuple(e.lower().lstrip(".") for e in values)


@dataclass(frozen=True, slots=True)
class Window:
    """How long the seller has to answer, counted from the notice (in KST)."""

    hours: float | None = key(None, check=positive, doc="hours from the start: the notice (in `after_sending`, the reply sent)")
    days: int | None = key(None, check=positive, doc="calendar days (holidays do not stop the clock)")
    business_days: int | None = key(None, check=positive, doc="days Monday to Friday that are not public holidays of the pack's `[calendar] country`")
    end_of_day: bool = key(False, doc="until 23:59:59 local time of the last day")
    note: str = key("", doc="what the notice itself may say (shown with the deadline)")

    def __post_decode__(self) -> None:
        if sum(x is not None for x in (self.hours, self.days, self.business_days)) > 1:
            raise SchemaError((), "a window takes one of hours, days or business_days")

    def describe(self) -> str:
        if self.hours is not None:
            return f"{self.hours:g} hours"
        if self.days is not None:
            return f"{self.days} calendar days" + (" (until 23:59:59 of the last day)" if self.end_of_day else "")
        if self.business_days is not None:
            return f"{self.business_days} business days"
        return self.note or "as the notice states"

    def deadline(self, received_at: datetime, tz: timezone, calendar: BusinessCalendar = WEEKENDS_ONLY) -> datetime | None:
        """When the window closes. Business days skip weekends and `calendar`'s holidays;
        calendar days and hours run through holidays (DOMAIN.md)."""
        start = received_at.astimezone(tz)
        if self.hours is not None:
            return start + timedelta(hours=self.hours)
        if self.days is not None:
            end = start + timedelta(days=self.days)
        elif self.business_days is not None:
            end = calendar.add_business_days(start, self.business_days)
        else:
            return None
        if self.end_of_day:
            end = datetime.combine(end.date(), time(23, 59, 59), tzinfo=tz)
        return end


@dataclass(frozen=True, slots=True)
class Section:
    """A part of a structured reply, found by one of its headings or, without
    a heading, by a cue phrase anywhere in the reply (the content is there)."""

    name: str = key(required=True, doc="the section as KEY002 names it")
    headings: tuple[str, ...] = key((), doc="headings that start it, in any form: numbered, bold, with trailing words or text after a colon (none: the name)")
    cues: tuple[str, ...] = key((), doc="phrases that show its content without a heading")

    def __post_decode__(self) -> "Section | None":
        return None if self.headings else replace(self, headings=(self.name,))


@dataclass(frozen=True, slots=True)
class Topic:
    """What a notice is about (found by phrases in the notice's own text) and
    the keywords a reply to that kind of notice must then carry."""

    name: str = key(required=True, doc="what the notice is about")
    notice: tuple[str, ...] = key((), doc="phrases in the notice's own text that select the topic (at least one)")
    required_keywords: tuple[str, ...] = key((), doc="replace the kind's keywords when the topic is selected (`a | b`: either)")

    def __post_decode__(self) -> None:
        if not self.notice:
            raise SchemaError((), f"topic {self.name!r} needs 'notice' phrases that select it")


@dataclass(frozen=True, slots=True)
class AfterSending:
    """`[kinds.<name>.after_sending]`: the platform's clock once the reply has gone.

    Counted from the send (the last reply the seller sent, in KST). The
    kind's own `window` stays the last moment to send at all (an A-to-z
    review request: 7 days after the payout).
    """

    follow_up: Window | None = key(None, doc="from the send: when a follow-up on the same case becomes due if the platform has not answered; one drafted sooner is too early (FUP002)")
    result: Window | None = key(None, doc="from the send: when the platform's result is expected (the queue's next date once under review)")
    review_requests: int | None = key(None, check=positive, doc="how many replies one claim accepts, ever (A-to-z review request: 1); another drafted after them is refused (FUP001); none: no limit")

    def next_dates(self, sent_at: datetime, tz: timezone, calendar: BusinessCalendar = WEEKENDS_ONLY) -> dict[str, datetime]:
        """{"follow-up": …, "result": …} for a reply sent at `sent_at` (only the windows the kind has)."""
        out = {}
        for label, window in (("follow-up", self.follow_up), ("result", self.result)):
            if window is not None:
                moment = window.deadline(sent_at, tz, calendar)
                if moment is not None:
                    out[label] = moment
        return out


@dataclass(frozen=True, slots=True)
class EvidenceType:
    """`[evidence.<type>]`: one kind of evidence, and how a file name shows it is that (ATT008, ATT009)."""

    name: str = key("", derived=True)  # the table's name
    title: str = key("", doc="how messages name it (none: the type's name with spaces)")
    names: tuple[str, ...] = key((), doc="words that, in an attachment's file name, show it is this evidence (case, spaces, `_`, `-` and `.` ignored; 3 letters or fewer: a whole word); `Evidence_<Type>_<Date>_<OrderID>.<ext>` names the type")

    def __post_decode__(self) -> "EvidenceType | None":
        return None if self.title else replace(self, title=self.name.replace("-", " "))


@dataclass(frozen=True, slots=True)
class KindRules:
    """What one kind of notice (`[kinds.<name>]`) demands of its reply."""

    name: str = key("general", derived=True)  # the table's name
    title: str = key("", doc="shown in the desk (none: the name with spaces)")
    short: str = key("", doc="the queue's KIND column in an 80-column terminal (none: the name)")
    id_tag: str = key("CASE", doc="the middle of the case ids `replydesk import` makes (CP-CANCEL-<order>)")
    window: Window | None = key(None, doc="how long the seller has to answer, from the notice: one of hours, days, business_days")
    priority: str = key("normal", check=one_of(PRIORITIES), doc="`high`, `normal` or `low`: the queue's default for the kind")
    required_keywords: tuple[str, ...] = key((), doc="KEY001's defaults when the notice names none (`a | b`: either)")
    topics: tuple[Topic, ...] = ()
    required_sections: tuple[Section, ...] = ()
    sections_source: str = key("", doc="where the required structure comes from (shown in KEY002's message)")
    cite_ids: tuple[str, ...] = key((), check=_known_id_fields, doc="the reply must cite an ID from one of these case fields")
    max_chars: int | None = key(None, doc="the kind's limits (none: the pack's `[length]`)")
    min_chars: int | None = key(None, doc="the kind's minimum (none: the pack's `[length]`)")
    max_paragraph_lines: int | None = key(None, doc="the kind's paragraph limit (none: the pack's `[length]`)")
    order_id_in_name: bool | None = key(None, doc="overrides `[attachments] order_id_in_name` for this kind")
    evidence: tuple[str, ...] = key((), doc="the `[evidence]` types a reply to this kind carries, unless the case lists its own `required_evidence` (ATT008)")
    after_sending: AfterSending = key(default_factory=AfterSending, doc="follow-up and result windows and how many replies a claim accepts, once the reply is sent")

    def __post_decode__(self) -> "KindRules | None":
        return None if self.title else replace(self, title=self.name.replace("-", " "))


@dataclass(frozen=True, slots=True)
class IdType:
    """One kind of identifier: its shape and the labels that introduce it."""

    name: str = key(required=True, doc="unique within the pack")
    title: str = key("", doc="how messages name it")
    field: str = key("", check=_known_id_field, doc="the case field holding this case's IDs: `order_ids`, `claim_ids`, `case_ids`, `asins`; empty: shape check only")
    pattern: str = key("", check=lambda p: _regex_problem(p) if p else None, doc="full-match regex of the shape (none: no published shape, only membership is checked)")
    labels: tuple[str, ...] = key((), doc="words that introduce the ID in a reply")
    example: str = key("", doc="must match the pattern")
    source: str = key("", doc="where the shape comes from (public API documentation, SDKs)")
    case_sensitive: bool = key(True, doc="false: the pattern matches in any case")
    unlabelled: bool = key(False, doc="the shape is distinctive enough to check without a label")

    def __post_decode__(self) -> None:
        if self.unlabelled and not self.pattern:
            raise SchemaError(("unlabelled",), "an ID type without a 'pattern' cannot be found unlabelled")
        if self.example and self.pattern and not re.fullmatch(self.pattern, self.example):
            raise SchemaError(("example",), f"example {self.example!r} does not match its own pattern {self.pattern!r}")


def _image_size(value) -> str | None:
    return None if len(value) == 2 else "must be [width, height]"


@dataclass(frozen=True, slots=True)
class AttachmentRules:
    allowed_extensions: tuple[str, ...] = key((), convert=_extensions, doc="file types the platform accepts")
    forbidden_extensions: tuple[str, ...] = key((), convert=_extensions, doc="archives and the like (ATT001)")
    max_bytes: int | None = key(None, check=positive, doc="per file (ATT002)")
    max_count: int | None = key(None, check=positive, doc="files per reply (ATT003)")
    order_id_in_name: bool = key(False, doc="file names carry the order ID (ATT004)")
    min_image: tuple[int, ...] | None = key(None, check=_image_size, doc="`[width, height]` in pixels, either orientation, for the platform's OCR (ATT007)")
    image_extensions: tuple[str, ...] = key(("jpg", "jpeg", "png"), convert=_extensions, doc="the files `min_image` applies to")
    cloud_hosts: tuple[str, ...] = key((), convert=lambda hosts: tuple(h.lower() for h in hosts), doc="links to these are not evidence (ATT006)")
    qr_phrases: tuple[str, ...] = key((), doc="phrases that point at a QR code instead of a file (ATT006)")

    @property
    def min_image_width(self) -> int | None:
        return self.min_image[0] if self.min_image else None

    @property
    def min_image_height(self) -> int | None:
        return self.min_image[1] if self.min_image else None


def _known_languages(codes) -> str | None:
    unknown = [c for c in codes if c not in LANGUAGE_CODES]
    return f"unknown language {unknown[0]!r} (known: {', '.join(LANGUAGE_CODES)})" if unknown else None


@dataclass(frozen=True, slots=True)
class LanguagePolicy:
    allowed: tuple[str, ...] = key((), check=_known_languages, doc="languages a reply may be written in: `en`, `ko`, `zh`, `ja` (at least one)")
    min_detect_chars: int = key(40, doc="Latin-script text shorter than this is not sent to langdetect")
    detect_confidence: float = key(0.90, doc="how sure langdetect must be (0-1) before a sentence is called non-English")
    hanja_max_run: int = key(2, doc="Han runs this short inside Korean are Hanja glosses, not Chinese")
    fullwidth_punctuation: bool = key(False, doc="true where Chinese full-width punctuation is acceptable")


@dataclass(frozen=True, slots=True)
class ToneSettings:
    """What tells shouting from names in capitals.

    `acronyms` are capitals that are never shouting (KST, POD, SKU…);
    `shout_words` (base forms, inflections included) are shouting in
    capitals even alone (URGENT, PLEASE, NOT); `min_shout_words` ordinary
    words in a row that read as a clause (THE PARCEL WAS DELIVERED) are
    shouting too.
    """

    acronyms: frozenset[str] = key(frozenset(), convert=lambda words: frozenset(a.upper() for a in words), doc="capitals that are never shouting (KST, POD, SKU)")
    shout_words: frozenset[str] = key(frozenset(), convert=lambda words: frozenset(w.lower() for w in words), doc="ordinary words that are shouting in capitals even alone (URGENT, PLEASE, NOT); inflections match too")
    min_shout_words: int = key(2, check=positive, doc="a clause of this many ordinary words in capitals is shouting")


def _zone_offsets(zones: dict) -> str | None:
    for name, offset in zones.items():
        if not -14 <= offset <= 14:
            return f"offset of {name!r} must be hours between -14 and 14"
    return None


def _relative_dates(phrases) -> str | None:
    return next(filter(None, (_regex_problem(p[3:]) for p in phrases if p.startswith("re:"))), None)


@dataclass(frozen=True, slots=True)
class TimeSettings:
    """The platform's zone and the other zones operators write, with UTC offsets in hours."""

    zone: str = key("KST", doc="the platform's zone, in which every countdown runs")
    utc_offset_hours: float = key(9.0, doc="its offset from UTC")
    local_aliases: tuple[str, ...] = key((), doc="ways a reply may name that zone (none: its name)")
    other_zones: dict[str, float] = key(default_factory=dict, check=_zone_offsets, doc="`[time.other_zones]`: zones operators write by mistake, name → UTC offset (TIME002)")
    relative_dates: tuple[str, ...] = key((), check=_relative_dates, doc="phrases (`{a,b}` alternatives, `re:` regexes) that are relative dates (TIME003)")
    zone_declaration_words: tuple[str, ...] = key((), doc="a sentence naming the zone with one of these (\"All times are KST.\") makes bare times local")
    range_words: tuple[str, ...] = key((), doc="between the two times of a range that names its zone once (10:00-12:00 KST)")
    duration_words: tuple[str, ...] = key((), doc="after a clock-like number: a duration or ratio, not a time (1:30 hours)")
    timestamp_words: tuple[str, ...] = key((), doc="before a clock-like number: a position in a recording (the video at 01:25)")

    def __post_decode__(self) -> "TimeSettings | None":
        return None if self.local_aliases else replace(self, local_aliases=(self.zone,))

    @property
    def tz(self) -> timezone:
        return timezone(timedelta(hours=self.utc_offset_hours), self.zone)


@dataclass(frozen=True, slots=True)
class LengthSettings:
    """The pack's line width, and the length limits a kind has unless it sets its own."""

    line_width: int = key(100, doc="columns per displayed line when counting a paragraph's lines (Hangul and Han take two)")
    max_paragraph_lines: int | None = key(None, doc="LEN002, unless the kind sets its own")
    min_chars: int | None = key(None, doc="below this a reply is not a response (LEN003)")
    max_chars: int | None = key(None, doc="the platform's limit (LEN001)")


@dataclass(frozen=True, slots=True)
class SimilaritySettings:
    template: float = key(70.0, doc="percent of a reply's words (Korean and Chinese: character pairs) that are auto-response wording, for TPL001")
    repeat: float = key(90.0, doc="rapidfuzz ratio (0-100) to a reply already sent in the case (TPL002)")
    sentence_own_words: float = key(40.0, doc="percent: a sentence worded less like the templates says something of its own (TPL001)")
    evidence_words: tuple[str, ...] = key((), doc="a reply with one of these (or a date, time or figure) states a fact and is no auto-response")
    id_typo_edits: int = key(2, doc="a number of an ID's shape this many edits from one of the case's IDs is that ID mistyped (ID001)")


@dataclass(frozen=True, slots=True)
class CalendarSettings:
    """`[calendar]`: whose public holidays are not business days."""

    country: str = key("", check=lambda v: None if v == "" or (len(v) == 2 and v.isalpha() and v.isupper()) else f"country must be a two-letter ISO 3166 code such as KR, got {v!r}",
                       doc="ISO 3166 code of the holidays (`KR`: Seollal, Chuseok, substitute and election days, from the `holidays` library; none: weekends only); one-off holidays in `calendars/<code>.toml`")
    extra: dict = key(default_factory=dict, derived=True)  # date → name, from calendars/<country>.toml (loading.py)


@dataclass(frozen=True, slots=True)
class HistorySettings:
    """How a case's `history` is read."""

    seller_roles: frozenset[str] = key(
        frozenset({"seller", "us", "operator", "me"}),
        convert=lambda roles: frozenset(r.lower() for r in roles),
        doc="the `who` of the seller's own messages (checked for repeats, TPL002); every other message is the notice's side (KEY001 topics)",
    )


@dataclass(frozen=True, slots=True)
class MetricsSettings:
    """`[metrics]`: what the team's figures are held to (`replydesk stats`, the desk's stats screen)."""

    response_rate_target: float = key(0.95, check=lambda v: None if 0 < v <= 1 else f"response_rate_target must be a share between 0 and 1, got {v!r}",
                                      doc="the response rate (answered on time / due) below which the stats screen shows it in reverse video")


@dataclass(frozen=True, slots=True)
class PackMeta:
    """`[pack]`: how the pack is named to people."""

    title: str = key("", doc="shown in messages (none: the file name)")
    short: str = key("", doc="the queue's PLATFORM column in an 80-column terminal (none: the name's first three letters)")
    id_prefix: str = key("", doc="the start of the case ids `replydesk import` makes (CP-CANCEL-…; none: `short`)")


@dataclass(frozen=True, slots=True)
class Pack:
    """One platform's pack, decoded from its TOML (merged over `general.toml`)."""

    name: str = key("general", derived=True)
    meta: PackMeta = key(PackMeta(), name="pack")
    language: LanguagePolicy = LanguagePolicy()
    time: TimeSettings = TimeSettings()
    length: LengthSettings = LengthSettings()
    tone: ToneSettings = ToneSettings()
    similarity: SimilaritySettings = SimilaritySettings()
    attachments: AttachmentRules = AttachmentRules()
    history: HistorySettings = HistorySettings()
    calendar: CalendarSettings = CalendarSettings()
    metrics: MetricsSettings = MetricsSettings()
    evidence: dict[str, EvidenceType] = key(default_factory=dict, doc="the kinds of evidence, by type name")
    kinds: dict[str, KindRules] = key(default_factory=dict)
    ids: tuple[IdType, ...] = ()
    source: str = key("", derived=True)  # the file it came from

    def __post_decode__(self) -> "Pack":
        if not self.language.allowed:
            raise SchemaError(("language", "allowed"), "a pack must allow at least one language")
        seen: set[str] = set()
        for i, id_type in enumerate(self.ids):
            if id_type.name in seen:
                raise SchemaError(("ids", i, "name"), f"two [[ids]] named {id_type.name!r}: the later would silently replace the earlier")
            seen.add(id_type.name)
        for kind_name, kind in self.kinds.items():
            for i, item in enumerate(kind.evidence):
                if item not in self.evidence:
                    raise SchemaError(("kinds", kind_name, "evidence", i), f"unknown evidence type {item!r} (known: {', '.join(sorted(self.evidence)) or 'none'})")
        length = self.length
        kinds = {
            name: replace(
                kind,
                max_chars=length.max_chars if kind.max_chars is None else kind.max_chars,
                min_chars=length.min_chars if kind.min_chars is None else kind.min_chars,
                max_paragraph_lines=length.max_paragraph_lines if kind.max_paragraph_lines is None else kind.max_paragraph_lines,
            )
            for name, kind in self.kinds.items()
        }
        kinds.setdefault("general", KindRules(name="general", title="general", max_chars=length.max_chars,
                                              min_chars=length.min_chars, max_paragraph_lines=length.max_paragraph_lines))
        return replace(self, kinds=kinds)

    @property
    def title(self) -> str:
        return self.meta.title or self.name

    @property
    def business_calendar(self) -> BusinessCalendar:
        return BusinessCalendar(self.calendar.country, self.calendar.extra) if self.calendar.country or self.calendar.extra else WEEKENDS_ONLY

    @property
    def short(self) -> str:
        return self.meta.short or self.name[:3].upper()

    @property
    def id_prefix(self) -> str:
        return self.meta.id_prefix or self.short

    @property
    def tz(self) -> timezone:
        return self.time.tz

    def kind(self, name: str) -> KindRules:
        return self.kinds.get(name) or self.kinds["general"]


def merge_tables(base: dict, override: dict) -> dict:
    """Deep-merge tables; arrays and scalars in `override` replace the base's."""
    out = dict(base)
    for key_, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key_), dict):
            out[key_] = merge_tables(out[key_], value)
        else:
            out[key_] = value
    return out


def pack_from_mapping(name: str, data: dict, *, source: str = "") -> Pack:
    """Decode a merged pack mapping. Raises SchemaError(keys, message); loading adds file:line."""
    pack = decode(Pack, data, table_key=name)
    return replace(pack, source=source)
