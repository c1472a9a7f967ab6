"""Amazon Selling Partner API notifications, as delivered (SQS message body or EventBridge event).

Documented in the SP-API Notifications API reference: "Notification
structure" (developer-docs.amazon.com/sp-api/docs/notifications-api-v1-use-case-guide),
"Notification type values" (.../sp-api/docs/notification-type-values), the
ORDER_CHANGE schema (github.com/amzn/selling-partner-api-models,
schemas/notifications/OrderChangeNotification.json) and "Set up notifications
with Amazon EventBridge" (detail-type is the notification type):
- the SQS body: `{"NotificationVersion", "NotificationType", "PayloadVersion",
  "EventTime", "Payload": {...}, "NotificationMetadata": {"ApplicationId",
  "SubscriptionId", "PublishTime", "NotificationId"}}`;
- an EventBridge event wraps a notification: `{"version": "0", "id", "detail-type",
  "source": "aws.partner/sellingpartnerapi.amazon.com/...", "time", "detail"}`
  (Amazon sends ORDER_CHANGE and ACCOUNT_STATUS_CHANGED by SQS; a seller's
  relay may forward them through EventBridge, so both are read. No official
  example of an SP-API event as EventBridge delivers it was found: the test
  fixture amazon-order-canceled.eventbridge.json is the AWS envelope around
  the documented notification, and its `source` string is an assumption);
- ORDER_CHANGE: `Payload.OrderChangeNotification` {`NotificationLevel`, `SellerId`,
  `AmazonOrderId`, `OrderChangeType` (OrderStatusChange, BuyerRequestedChange),
  `OrderChangeTrigger` {`TimeOfOrderChange`, `ChangeReason`: free text such as
  "Buyer Requested Cancel"}, `Summary`
  {`MarketplaceId`, `OrderStatus`, `PurchaseDate`, `FulfillmentType`...}} (PascalCase);
- ACCOUNT_STATUS_CHANGED is camelCase throughout: `{"notificationVersion",
  "notificationType", "payloadVersion", "eventTime", "payload":
  {"accountStatusChangeNotification": {"previousAccountStatus",
  "currentAccountStatus"}}, "notificationMetadata": {...}}`, statuses NORMAL,
  AT_RISK, DEACTIVATED; it names no seller (the subscription is the seller's).
Times are ISO 8601 UTC; they are shown in KST. The event ID is the
notification's NotificationId (the same delivery retried has the same one).
"""
from __future__ import annotations

from .notice import Ignored, Notice, PayloadError, content_id, iso_time, need, optional_id, platform_id
from .sources import Sources

ORDER_CHANGE, ACCOUNT_STATUS = "amazon-order-change", "amazon-account-status"


def _unwrap(record: dict) -> dict:
    """The notification itself: an EventBridge event's `detail`, or the SQS body."""
    if "detail" in record and ("detail-type" in record or "source" in record):
        detail = record["detail"]
        if not isinstance(detail, dict):
            raise PayloadError("detail must be the notification (a JSON object)")
        if not ("NotificationType" in detail or "notificationType" in detail):
            detail = {**detail, "NotificationType": record.get("detail-type"), "_eventbridge_id": record.get("id")}
        return detail
    return record


def shape(record) -> str | None:
    if not isinstance(record, dict):
        return None
    inner = _unwrap(record) if "detail" in record else record
    kind = inner.get("NotificationType") or inner.get("notificationType") if isinstance(inner, dict) else None
    if kind == "ORDER_CHANGE":
        return ORDER_CHANGE
    if kind == "ACCOUNT_STATUS_CHANGED":
        return ACCOUNT_STATUS
    if kind is not None:
        return "amazon"
    return None


def _get(record: dict, name: str):
    """A key in PascalCase or camelCase (the two notification families differ)."""
    if name in record:
        return record[name]
    camel = name[0].lower() + name[1:]
    return record.get(camel)


def read(record, tables: Sources, forced: str | None = None) -> list:
    if not isinstance(record, dict):
        raise PayloadError("an SP-API notification is a JSON object")
    note = _unwrap(record)
    kind = _get(note, "NotificationType")
    metadata = _get(note, "NotificationMetadata") or {}
    notification_id = _get(metadata, "NotificationId") if isinstance(metadata, dict) else None
    event_id = f"amazon:{notification_id}" if notification_id else (
        f"amazon:eventbridge:{note['_eventbridge_id']}" if note.get("_eventbridge_id") else content_id("amazon", note)
    )
    payload = _get(note, "Payload")
    if kind == "ORDER_CHANGE":
        return [_order_change(note, payload, event_id, tables[ORDER_CHANGE])]
    if kind == "ACCOUNT_STATUS_CHANGED":
        return [_account_status(note, payload, event_id, tables[ACCOUNT_STATUS])]
    return [Ignored("amazon", event_id, f"SP-API notification {kind!r} is not read by replydesk")]


def _order_change(note: dict, payload, event_id: str, source):
    change = need(payload, "OrderChangeNotification", "Payload")
    order = platform_id(need(change, "AmazonOrderId", "OrderChangeNotification"), "AmazonOrderId")
    change_type = str(change.get("OrderChangeType") or "")
    trigger = change.get("OrderChangeTrigger") or {}
    summary = change.get("Summary") or {}
    if not isinstance(trigger, dict) or not isinstance(summary, dict):
        raise PayloadError("OrderChangeTrigger and Summary must be JSON objects")
    reason = str(trigger.get("ChangeReason") or "")
    order_status = str(summary.get("OrderStatus") or "")
    # ChangeReason is free text ("Buyer Requested Cancel"): compared without spaces or case.
    status = _compact(reason) if change_type == "BuyerRequestedChange" else order_status
    action = _action(source, status) if status else "ignore"
    if action == "ignore":
        return Ignored(source.name, event_id, f"order {order}: {change_type} {status or '(no status)'} is no notice")
    when = iso_time(trigger.get("TimeOfOrderChange") or need(note, "EventTime"), "TimeOfOrderChange")
    platform_ids = {k: str(v) for k, v in (("SellerId", change.get("SellerId")), ("MarketplaceId", summary.get("MarketplaceId"))) if v}
    return Notice(
        source=source.name, event_id=event_id, platform=source.platform, kind=source.kind, key=order,
        received_at=when,
        summary=f"Amazon ORDER_CHANGE for order {order}: {change_type}" + (f", {reason}" if reason else "")
        + (f"; order status {order_status}" if order_status else ""),
        subject=f"Buyer asks to cancel order {order}" if action == "open" else f"Order {order}: {order_status}",
        ids={"order_ids": (order,)}, platform_ids=platform_ids,
        platform_status=order_status or reason, result=_result(source, status), as_of=when,
        create=action == "open", payload=note,
    )


def _compact(text: str) -> str:
    return "".join(text.split()).lower()


def _action(source, status: str) -> str:
    """source.action, with the table's names compared the way `_compact` writes the status."""
    if status in {_compact(s) for s in source.open}:
        return "open"
    return source.action(next((s for s in source.update if _compact(s) == _compact(status)), status))


def _result(source, status: str):
    return next((r for s, r in source.results.items() if _compact(s) == _compact(status)), None)


def _account_status(note: dict, payload, event_id: str, source):
    change = need(payload, "accountStatusChangeNotification", "payload")
    current = str(need(change, "currentAccountStatus", "accountStatusChangeNotification"))
    previous = str(change.get("previousAccountStatus") or "")
    # The documented payload names no seller (the subscription is the seller's); some relays add it.
    seller = optional_id(change, "sellerId")
    action = source.action(current)
    account = f"account {seller}" if seller else "the account"
    if action == "ignore":
        return Ignored(source.name, event_id, f"{account} is {current}" + (f" (was {previous})" if previous else ""))
    when = iso_time(need(note, "eventTime" if "eventTime" in note else "EventTime"), "eventTime")
    marketplace = change.get("marketplaceId")
    # One status change is one notice, named after the moment it changed (and the seller, when given).
    key = (f"{seller}-" if seller else "ACCOUNT-") + when.strftime("%Y%m%d%H%M")
    return Notice(
        source=source.name, event_id=event_id, platform=source.platform, kind=source.kind, key=key,
        received_at=when,
        summary=f"Amazon ACCOUNT_STATUS_CHANGED: {account}" + (f" in {marketplace}" if marketplace else "")
        + f" is now {current}" + (f" (was {previous})" if previous else ""),
        subject=f"Account status {current}" + (f" (was {previous})" if previous else "") + (f" – seller {seller}" if seller else ""),
        ids={}, platform_ids={k: str(v) for k, v in (("sellerId", seller), ("marketplaceId", marketplace)) if v},
        platform_status=current, result=source.results.get(current), create=action == "open", payload=note, as_of=when,
    )
