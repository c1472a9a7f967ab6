"""Shopee Open Platform v2: push notifications and return details.

Documented at open.shopee.com (Developer Guide "Push Mechanism",
documents?module=63&type=2&id=55; API reference v2.push.set_app_push_config for
the codes, v2.push.get_lost_push_message for a push's shape,
v2.returns.get_return_detail):
- a push is `{"msg_id"?, "shop_id": <int>, "code": <int>, "timestamp": <Unix
  seconds>, "data": {...}}`; the code says what `data` is (sources.toml
  `[shopee-push-codes]`): 3 order_status_push (`ordersn` - no underscore -,
  `status`, `update_time`); 29 return_updates_push (`return_sn`, `order_sn`,
  `status`, `updated_values`: the console's list, no official schema);
- get_return_detail answers `{"request_id", "error", "message", "response":
  {return}}` (get_return_list: `"response": {"return": [return...]}`); a
  return has `return_sn`, `order_sn`, `status` (REQUESTED, PROCESSING,
  SELLER_DISPUTE, JUDGING, ACCEPTED, CANCELLED, CLOSED), `create_time`,
  `update_time`, `due_date` (the seller's deadline), `reason`, `text_reason`
  (the buyer's words), `refund_amount`, `user`, `item`, `negotiation`.
Times are Unix seconds. A push's event ID is its `msg_id`, or, when it has
none, its content's hash (a retried delivery is the same bytes).
"""
from __future__ import annotations

import json

from .notice import Ignored, Message, Notice, PayloadError, content_id, need, optional_id, platform_id, plain_text, unix_time
from .sources import Sources

CODES = "shopee-push-codes"
ORDERS, RETURNS = "shopee-orders", "shopee-returns"


def shape(record) -> str | None:
    if not isinstance(record, dict):
        return None
    if {"shop_id", "code", "data"} <= record.keys() and "tts_notification_id" not in record:
        return "shopee"
    if "return_sn" in record or _response_returns(record):
        return RETURNS
    return None


def _response_returns(record: dict) -> list | None:
    response = record.get("response")
    if not isinstance(response, dict) or "request_id" not in record and "error" not in record:
        return None
    if "return_sn" in response:
        return [response]
    if isinstance(response.get("return"), list):
        return response["return"]
    return None


def read(record, tables: Sources, forced: str | None = None) -> list:
    if not isinstance(record, dict):
        raise PayloadError("a Shopee payload is a JSON object")
    if "code" in record and "shop_id" in record and forced != RETURNS:
        return [_push(record, tables)]
    if record.get("error"):
        raise PayloadError(f"the saved response is an error ({record.get('error')}: {str(record.get('message'))[:80]})")
    returns = _response_returns(record)
    if returns is None:
        returns = [record]
    out = []
    for index, item in enumerate(returns):
        try:
            out.append(_return(item, content_id(RETURNS, item), tables[RETURNS], shop=None, payload=item))
        except PayloadError as exc:  # one broken return spoils only itself
            if len(returns) == 1:
                raise
            out.append(PayloadError(f"response.return[{index}]: {exc}"))
    return out


def _push(record: dict, tables: Sources):
    msg = record.get("msg_id")
    event_id = f"shopee:{platform_id(msg, 'msg_id')}" if msg not in (None, "") else content_id("shopee", record)
    code = need(record, "code")
    shop = platform_id(need(record, "shop_id"), "shop_id")
    pushed = unix_time(need(record, "timestamp"), "timestamp")
    data = need(record, "data")
    if not isinstance(data, dict):
        raise PayloadError("data must be a JSON object")
    target = tables.type_target(CODES, code)
    if target is None:
        return Ignored("shopee", event_id, f"push code {json.dumps(code)} is not read (sources.toml [{CODES}])")
    if target == RETURNS:
        return _return(data, event_id, tables[RETURNS], shop=shop, payload=record, default_time=pushed)
    return _order(data, event_id, tables[target], shop, record)


def _order(data: dict, event_id: str, source, shop: str, record):
    order = platform_id(data.get("ordersn") or need(data, "order_sn", "data"), "ordersn")
    status = str(need(data, "status", "data"))
    action = source.action(status)
    if action == "ignore":
        return Ignored(source.name, event_id, f"order {order} is now {status}: no notice")
    when = unix_time(need(data, "update_time", "data"), "update_time")
    return Notice(
        source=source.name, event_id=event_id, platform=source.platform, kind=source.kind, key=order, received_at=when,
        summary=f"Shopee: order {order} is {status}" + (" (the buyer asks to cancel)" if status == "IN_CANCEL" else ""),
        subject=f"Buyer asks to cancel order {order}" if status == "IN_CANCEL" else f"Order {order}: {status}",
        ids={"order_ids": (order,)}, platform_ids={"shop_id": shop},
        platform_status=status, result=source.results.get(status), create=action == "open", payload=record, as_of=when,
    )


def _return(item, event_id: str, source, *, shop: str | None, payload, default_time=None):
    ret = platform_id(need(item, "return_sn"), "return_sn")
    status = str(need(item, "status"))
    action = source.action(status)
    if action == "ignore":
        return Ignored(source.name, event_id, f"return {ret}: {status} is not listed in sources.toml")
    order = optional_id(item, "order_sn") or optional_id(item, "ordersn")
    if item.get("create_time"):
        created = unix_time(item["create_time"], "create_time")
    elif item.get("update_time") or default_time is None:
        created = unix_time(need(item, "update_time"), "update_time")
    else:
        created = default_time
    due = unix_time(item["due_date"], "due_date") if item.get("due_date") else None
    words = plain_text(item.get("text_reason"), "text_reason")
    reason = str(item.get("reason") or "")
    messages = (Message("customer", created, words, f"shopee:return-reason:{ret}"),) if words else ()
    ids = {"claim_ids": (ret,), "order_ids": (order,) if order else ()}
    extra = {"shop_id": shop} if shop else {}
    return Notice(
        source=source.name, event_id=event_id, platform=source.platform, kind=source.kind, key=ret, received_at=created,
        summary=f"Shopee return {ret}" + (f" for order {order}" if order else "") + f" is {status}"
        + (f" ({reason})" if reason else ""),
        subject=f"Return {ret}" + (f" – order {order}" if order else "") + (f": {reason}" if reason else ""),
        ids=ids, platform_ids=extra, messages=messages, platform_status=status, deadline=due,
        result=source.results.get(status), create=action == "open", payload=payload,
        as_of=unix_time(item["update_time"], "update_time") if item.get("update_time") else (default_time or created),
    )
