"""Coupang Open API responses, as a polling job saves them (Coupang has no webhooks for these).

Documented at developers.coupangcorp.com/hc/en-us/sections/360005081953-CS-APIs
(articles 360033400754 "Customer Inquiry Query by Product", 360033645354 "Query of
Coupang Contact Center Inquiries", 360033919613 "Return/Cancellation Request List
Query"), with the full field tables and sample responses in the source of
Coupang's earlier developer site (coupang-developers.github.io,
assets/docs/season-2/customer-service-api/ko/lookup-*.document.ts and
return-api/ko/lookup-return-request-list-per-day.document.ts):
- customer product inquiries, GET /v2/providers/openapi/apis/api/v5/vendors/{vendorId}/onlineInquiries:
  `{"code": 200, "message": "OK", "data": {"content": [inquiry...], "pagination": {...}}}`;
  an inquiry has `inquiryId`, `productId`, `vendorItemId`, `content`, `inquiryAt`,
  `orderIds`, and `commentDtoList` (the seller's answers: `inquiryCommentId`,
  `content`, `inquiryCommentAt`).
- call-center inquiries, GET .../v4/vendors/{vendorId}/callCenterInquiries:
  `{"code": 200, "message": "OK", "data": {"content": [inquiry...], "pagination": {...}}}`; an inquiry has
  `inquiryId`, `orderId`, `vendorItemId`, `receiptCategory`, `inquiryStatus`,
  `csPartnerCounselingStatus` (requestAnswer, answered), `content`, `inquiryAt`,
  and `replies` (`answerId`, `content`, `answerType` csAgent or vendor,
  `receptionist`, `replyAt`, `partnerTransferStatus`, `needAnswer`): the
  buyer's problem is often in a csAgent reply (`[판매자이관]...`), so every
  reply becomes a message of the case.
- return requests, GET .../v4/vendors/{vendorId}/returnRequests:
  `{"code": 200, "message": "OK", "data": [request...], "nextToken": ""}`; a request has
  `receiptId`, `orderId`, `receiptType`, `receiptStatus`, `createdAt`, `modifiedAt`,
  `cancelReasonCategory1`/`2`, `cancelReason`, `returnItems` (`vendorItemId`,
  `vendorItemName`, `purchaseCount`, `cancelCount`...).
Times carry no offset (`2024-04-10 13:22:11` in inquiries, `2024-04-10T13:22:11`
in returns); the documents name no zone, and the times are Korean wall-clock
time, so they are read as KST. `code` is "200" (a string) in onlineInquiries and
200 elsewhere. Text is decoded of HTML entities and `<br>` defensively (WING
writes answers as HTML; the samples show raw text). A saved response, a list
of its items, or one item (JSON Lines) are all read.
"""
from __future__ import annotations

from .notice import Ignored, Message, Notice, PayloadError, content_id, kst_time, need, optional_id, plain_text, platform_id
from .sources import Sources

INQUIRIES, CALLCENTER, RETURNS = "coupang-inquiries", "coupang-callcenter", "coupang-returns"


def items(record) -> list:
    """The items of a saved response (`data`, or `data.content`), a list of items, or the item itself."""
    if isinstance(record, list):
        return record
    if isinstance(record, dict) and "data" in record and ("code" in record or "message" in record):
        code = record.get("code")
        if code not in (200, "200", "SUCCESS", None):
            raise PayloadError(f"the saved response is an error (code {code!r}: {str(record.get('message'))[:80]})")
        data = record["data"]
        if isinstance(data, dict) and isinstance(data.get("content"), list):
            return data["content"]
        if isinstance(data, list):
            return data
        raise PayloadError("data must be a list of items (or hold one under content)")
    return [record]


def _kind_of(item) -> str | None:
    if not isinstance(item, dict):
        return None
    if "receiptId" in item and "receiptStatus" in item:
        return RETURNS
    if "inquiryId" in item:
        if any(k in item for k in ("receiptCategory", "replies", "csPartnerCounselingStatus", "inquiryStatus")):
            return CALLCENTER
        if any(k in item for k in ("commentDtoList", "productId", "inquiryAt")):
            return INQUIRIES
    return None


def shape(record) -> str | None:
    """Which Coupang source a record is, by its first item's keys; None when it is none of them."""
    try:
        found = items(record)
    except PayloadError:
        return INQUIRIES if isinstance(record, dict) and "data" in record and "code" in record else None
    return _kind_of(found[0]) if found else None


def read(record, tables: Sources, forced: str | None = None) -> list:
    out = []
    for index, item in enumerate(items(record)):
        source = forced or _kind_of(item)
        where = f"data[{index}]"
        if source is None:
            out.append(PayloadError(f"{where}: not a Coupang inquiry or return request (no inquiryId / receiptId)"))
            continue
        try:
            out.append(_READERS[source](item, tables[source]))
        except PayloadError as exc:  # one broken item spoils only itself: the caller reports it
            out.append(PayloadError(f"{where}: {exc}"))
    return out


def _online_inquiry(item: dict, source) -> Notice:
    inquiry = platform_id(need(item, "inquiryId"), "inquiryId")
    asked = kst_time(need(item, "inquiryAt"), "inquiryAt")
    orders = tuple(platform_id(v, "orderIds[]") for v in (item.get("orderIds") or []))
    messages = [Message("customer", asked, plain_text(item.get("content"), "content"), f"coupang:inquiry:{inquiry}")]
    for comment in item.get("commentDtoList") or []:
        comment_id = platform_id(need(comment, "inquiryCommentId", "commentDtoList[]"), "inquiryCommentId")
        when = kst_time(need(comment, "inquiryCommentAt", "commentDtoList[]"), "inquiryCommentAt")
        messages.append(Message("seller", when, plain_text(comment.get("content"), "content"), f"coupang:comment:{comment_id}"))
    answered = any(m.who == "seller" for m in messages)
    return Notice(
        source=source.name, event_id=content_id(source.name, item), platform=source.platform, kind=source.kind,
        key=inquiry, received_at=asked,
        summary=f"Coupang customer inquiry {inquiry}" + (f" about order {orders[0]}" if orders else "") + " (onlineInquiries)",
        subject=f"Customer inquiry {inquiry}" + (f" – order {orders[0]}" if orders else "") + f": {messages[0].text[:60]}",
        ids={"order_ids": orders},
        platform_ids=_present(item, "productId", "vendorItemId", "sellerProductId"),
        messages=tuple(messages), platform_status="ANSWERED" if answered else "NOANSWER", payload=item,
        as_of=max(m.when for m in messages),
    )


def _callcenter_inquiry(item: dict, source) -> Notice:
    inquiry = platform_id(need(item, "inquiryId"), "inquiryId")
    asked = kst_time(need(item, "inquiryAt"), "inquiryAt")
    order = optional_id(item, "orderId")
    category = plain_text(item.get("receiptCategory"), "receiptCategory")
    content = plain_text(item.get("content"), "content")
    messages = [] if content in source.placeholders else [Message("platform", asked, content, f"coupang:cc-inquiry:{inquiry}")]
    for reply in item.get("replies") or []:
        answer = platform_id(need(reply, "answerId", "replies[]"), "answerId")
        when = kst_time(need(reply, "replyAt", "replies[]"), "replyAt")
        # answerType: `vendor` is the seller's own answer, `csAgent` Coupang's CS (who relays the buyer).
        who = "seller" if str(reply.get("answerType") or "").strip().lower() == "vendor" else "platform"
        messages.append(Message(who, when, plain_text(reply.get("content"), "content"), f"coupang:cc-answer:{answer}"))
    status = item.get("csPartnerCounselingStatus") or item.get("inquiryStatus")
    return Notice(
        source=source.name, event_id=content_id(source.name, item), platform=source.platform, kind=source.kind,
        key=inquiry, received_at=asked,
        summary=f"Coupang call-center inquiry {inquiry}" + (f" ({category})" if category else "")
        + (f" about order {order}" if order else ""),
        subject=f"Call-center inquiry {inquiry}" + (f" – order {order}" if order else "") + (f": {category}" if category else ""),
        ids={"order_ids": (order,) if order else ()},
        platform_ids=_present(item, "vendorItemId", "receiptCategory"),
        messages=tuple(messages), platform_status=str(status) if status else None, payload=item,
        as_of=max((m.when for m in messages), default=asked),
    )


def _return_request(item: dict, source):
    receipt = platform_id(need(item, "receiptId"), "receiptId")
    order = platform_id(need(item, "orderId"), "orderId")
    status = str(need(item, "receiptStatus"))
    event = content_id(source.name, item)
    action = source.action(status)
    if action == "ignore":
        return Ignored(source.name, event, f"return {receipt}: receiptStatus {status} is not listed in sources.toml")
    created = kst_time(need(item, "createdAt"), "createdAt")
    modified = kst_time(item["modifiedAt"], "modifiedAt") if item.get("modifiedAt") else created
    reason = " / ".join(
        plain_text(item.get(k), k) for k in ("cancelReasonCategory1", "cancelReasonCategory2", "cancelReason") if item.get(k)
    )
    names = [plain_text(i.get("vendorItemName"), "vendorItemName") for i in item.get("returnItems") or [] if isinstance(i, dict)]
    messages = []
    if reason:
        messages.append(Message("customer", created, f"Return reason: {reason}", f"coupang:return-reason:{receipt}"))
    return Notice(
        source=source.name, event_id=event, platform=source.platform, kind=source.kind,
        key=receipt, received_at=created,
        summary=f"Coupang return request {receipt} for order {order}: {item.get('receiptType') or 'RETURN'} "
        f"{status}" + (f" ({', '.join(n for n in names if n)})" if any(names) else ""),
        subject=f"Return request {receipt} – order {order}" + (f": {reason[:60]}" if reason else ""),
        ids={"order_ids": (order,), "claim_ids": (receipt,)},
        platform_ids=_present(item, "receiptType", "faultByType"),
        messages=tuple(messages), platform_status=status, result=source.results.get(status),
        create=action == "open", payload=item, as_of=modified,
    )


def _present(item: dict, *names: str) -> dict[str, str]:
    out = {}
    for name in names:
        value = item.get(name)
        if value not in (None, "") and not isinstance(value, (dict, list, bool, float)):
            out[name] = str(value)
    return out


_READERS = {INQUIRIES: _online_inquiry, CALLCENTER: _callcenter_inquiry, RETURNS: _return_request}
