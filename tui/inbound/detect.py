"""Which platform sent a payload, told by its shape, so that `replydesk import FILE` needs no flag.

The shapes do not overlap: only TikTok Shop's envelope has
`tts_notification_id`; only SP-API notifications have `NotificationType`
(or `notificationType`, or an EventBridge `detail`); a Shopee push has
`shop_id` + `code` + `data`, a Shopee return `return_sn`; Coupang's items
have `inquiryId` or `receiptId` + `receiptStatus`. `--source NAME` (`SOURCE_NAMES`)
skips the guess and says what is wrong when the payload is not that source.
"""
from __future__ import annotations

from . import amazon, coupang, shopee, tiktok
from .notice import PayloadError
from .sources import sources

# --source NAME -> (adapter, what it is told to read it as)
SOURCE_NAMES = {
    "coupang-inquiries": (coupang, coupang.INQUIRIES),
    "coupang-callcenter": (coupang, coupang.CALLCENTER),
    "coupang-returns": (coupang, coupang.RETURNS),
    "amazon": (amazon, None),
    "tiktok": (tiktok, None),
    "shopee": (shopee, None),
    "shopee-returns": (shopee, shopee.RETURNS),
}
OWN = "replydesk"  # --source replydesk: the queue's own case/event shape (importer.record_to_case)
_ORDER = (tiktok, amazon, shopee, coupang)


def detect(record):
    """(adapter, forced) for a platform payload; None when it is not one (the queue's own shape)."""
    for module in _ORDER:
        if module.shape(record):
            return module, None
    return None


def read_payload(record, source: str | None = None) -> list | None:
    """The notices (and ignored events) in one payload; None when it is no platform's payload.

    `source` forces an adapter (`--source`); PayloadError says why a payload cannot be read.
    """
    if source is not None:
        if source == OWN:
            return None
        module, forced = SOURCE_NAMES[source]
        if module.shape(record) is None:
            raise PayloadError(f"not a {source} payload (its keys: {_keys(record)})")
    else:
        found = detect(record)
        if found is None:
            return None
        module, forced = found
    return module.read(record, sources(), forced)


def _keys(record) -> str:
    if isinstance(record, dict):
        names = list(record)[:6]
        return ", ".join(names) + (", ..." if len(record) > 6 else "") if names else "none"
    return type(record).__name__
