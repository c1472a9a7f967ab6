"""TikTok Shop webhooks (Partner Center, "Webhooks" in the API reference at
partner.tiktokshop.com/docv2).

Pages: docv2/page/tts-webhooks-overview, 1-order-status-change,
11-cancellation-status-change, 12-return-status-change, 14-new-message.
Every push is an envelope `{"type": <int>, "tts_notification_id": "…",
"shop_id": "…", "timestamp": <Unix seconds>, "data": {...}}`; the type
number says what `data` is (sources.toml `[tiktok-webhook-types]`):
- 1 ORDER_STATUS_CHANGE: `order_id`, `order_status` (UNPAID, ON_HOLD, AWAITING_SHIPMENT,
  AWAITING_COLLECTION, CANCEL, IN_TRANSIT, DELIVERED, COMPLETED), `update_time`;
- 11 CANCELLATION_STATUS_CHANGE: `order_id`, `cancellations_role` (BUYER, SELLER, SYSTEM),
  `cancel_status`, `cancel_id`, `create_time` (some relays send `update_time`);
- 12 RETURN_STATUS_CHANGE: `order_id`, `return_role`, `return_type`, `return_status`,
  `return_id`, `create_time`, `update_time`;
- 14 NEW_MESSAGE (customer service): `conversation_id`, `message_id`, `type`
  (TEXT, IMAGE, ORDER_CARD...), `content` - itself JSON text such as
  `"{\\"content\\":\\"Where is my parcel?\\"}"` - `sender` {`role` BUYER, SHOP,
  CUSTOMER_SERVICE, SYSTEM, ROBOT; `im_user_id`}, `create_time`.
The signature is checked by the receiver (signatures.py), not here. The
event ID is `tts_notification_id`: a retried delivery has the same one.
"""
from __future__ import annotations

import json

from .notice import Ignored, Message, Notice, PayloadError, need, optional_id, platform_id, plain_text, unix_time
from .sources import Sources

TYPES = "tiktok-webhook-types"
SELLER_ROLES = {"SHOP", "CUSTOMER_SERVICE", "SELLER"}
PLATFORM_ROLES = {"SYSTEM", "ROBOT", "PLATFORM"}


def shape(record) -> str | None:
    return "tiktok" if isinstance(record, dict) and "tts_notification_id" in record and "data" in record else None


def read(record, tables: Sources, forced: str | None = None) -> list:
    notification = platform_id(need(record, "tts_notification_id"), "tts_notification_id")
    event_id = f"tiktok:{notification}"
    number = need(record, "type")
    if isinstance(number, bool) or not isinstance(number, (int, str)) or not str(number).strip().isdigit():
        raise PayloadError(f"type must be the webhook's type number, got {json.dumps(number)}")
    data = need(record, "data")
    if not isinstance(data, dict):
        raise PayloadError("data must be a JSON object")
    sent = unix_time(need(record, "timestamp"), "timestamp")
    shop = optional_id(record, "shop_id")
    target = tables.type_target(TYPES, number)
    if target is None:
        return [Ignored("tiktok", event_id, f"webhook type {number} is not read (sources.toml [{TYPES}])")]
    base = {"shop_id": shop} if shop else {}
    if target == "order-status":
        return [_order_status(data, event_id, sent, base, tables)]
    source = tables[target]
    reader = {"cancellation-appeal": _cancellation, "return-dispute": _return, "general": _message}.get(source.kind)
    if reader is None:
        raise PayloadError(f"sources.toml sends type {number} to {target}, whose kind {source.kind} has no TikTok reader")
    return [reader(data, event_id, sent, base, source, record)]


def _order_status(data: dict, event_id: str, sent, base: dict, tables: Sources):
    """An order's new status touches its cancellation case, if one is open (never opens one)."""
    order = platform_id(need(data, "order_id", "data"), "order_id")
    status = str(data.get("order_status") or "")
    source = tables["tiktok-cancellations"]
    if status not in source.update:
        return Ignored("tiktok", event_id, f"order {order} is now {status or '(no status)'}: no notice")
    when = unix_time(data["update_time"], "update_time") if data.get("update_time") else sent
    return Notice(
        source=source.name, event_id=event_id, platform=source.platform, kind=source.kind, key=order, received_at=when,
        summary=f"TikTok Shop: order {order} is now {status}", ids={"order_ids": (order,)}, platform_ids=base,
        platform_status=status, result=source.results.get(status), create=False, payload=data, as_of=when,
    )


def _cancellation(data: dict, event_id: str, sent, base: dict, source, record):
    order = platform_id(need(data, "order_id", "data"), "order_id")
    status = str(need(data, "cancel_status", "data"))
    action = source.action(status)
    if action == "ignore":
        return Ignored(source.name, event_id, f"order {order}: cancellation {status} is not listed in sources.toml")
    cancel = optional_id(data, "cancel_id")
    role = str(data.get("cancellations_role") or "")
    when = _first_time(data, sent, "create_time", "update_time")
    return Notice(
        source=source.name, event_id=event_id, platform=source.platform, kind=source.kind, key=order, received_at=when,
        summary=f"TikTok Shop: cancellation of order {order}" + (f" requested by the {role.lower()}" if role else "")
        + f": {status}" + (f" (cancel {cancel})" if cancel else ""),
        subject=f"Cancellation request – order {order}" + (f" ({role.lower()})" if role else ""),
        ids={"order_ids": (order,), "claim_ids": (cancel,) if cancel else ()}, platform_ids=base,
        # create_time is when the buyer asked, the same for every later status: the push's time orders them.
        platform_status=status, result=source.results.get(status), create=action == "open", payload=record, as_of=sent,
    )


def _return(data: dict, event_id: str, sent, base: dict, source, record):
    order = platform_id(need(data, "order_id", "data"), "order_id")
    ret = platform_id(need(data, "return_id", "data"), "return_id")
    status = str(need(data, "return_status", "data"))
    action = source.action(status)
    if action == "ignore":
        return Ignored(source.name, event_id, f"return {ret}: {status} is not listed in sources.toml")
    kind = str(data.get("return_type") or "RETURN")
    created = _first_time(data, sent, "create_time", "update_time")
    return Notice(
        source=source.name, event_id=event_id, platform=source.platform, kind=source.kind, key=ret, received_at=created,
        summary=f"TikTok Shop: {kind.lower().replace('_', ' ')} {ret} for order {order} is {status}",
        subject=f"Return {ret} – order {order}: {kind.replace('_', ' ').lower()}",
        ids={"order_ids": (order,), "claim_ids": (ret,)}, platform_ids=base,
        platform_status=status, result=source.results.get(status), create=action == "open",
        payload=record, as_of=_first_time(data, sent, "update_time"),
    )


def _first_time(data: dict, default, *names: str):
    for name in names:
        if data.get(name) not in (None, ""):
            return unix_time(data[name], name)
    return default


def message_text(data: dict) -> str:
    """A customer-service message's words: `content` is JSON text (`{"content": "..."}` for TEXT,
    a URL for IMAGE); a type without words is shown as its type."""
    kind = str(data.get("type") or "TEXT").upper()
    raw = data.get("content")
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw  # plain text after all
    if isinstance(value, dict):
        for key in ("content", "text"):
            if isinstance(value.get(key), str):
                return plain_text(value[key], "content")
        if kind != "TEXT":
            return f"[{kind.lower()}]" + (f" {value['url']}" if isinstance(value.get("url"), str) else "")
        raise PayloadError("data.content holds no text (expected {\"content\": \"...\"})")
    if isinstance(value, str):
        return plain_text(value, "content")
    raise PayloadError("data.content must be JSON text")


def _message(data: dict, event_id: str, sent, base: dict, source, record):
    conversation = platform_id(need(data, "conversation_id", "data"), "conversation_id")
    message = platform_id(need(data, "message_id", "data"), "message_id")
    sender = data.get("sender") or {}
    role = str(sender.get("role") or "BUYER").upper() if isinstance(sender, dict) else "BUYER"
    who = "seller" if role in SELLER_ROLES else "platform" if role in PLATFORM_ROLES else "customer"
    when = unix_time(data["create_time"], "create_time") if data.get("create_time") else sent
    text = message_text(data)
    order = optional_id(data, "order_id")
    return Notice(
        source=source.name, event_id=event_id, platform=source.platform, kind=source.kind, key=conversation,
        received_at=when,
        summary=f"TikTok Shop customer-service conversation {conversation}",
        subject=f"Buyer message – conversation {conversation}: {text[:60]}",
        ids={"order_ids": (order,) if order else ()}, platform_ids=base,
        messages=(Message(who, when, text, f"tiktok:msg:{message}"),),
        # A message from the shop itself continues a conversation; only a buyer's opens one.
        create=who == "customer", payload=record, as_of=when,
    )
