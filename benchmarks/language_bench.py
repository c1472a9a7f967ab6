"""Micro-benchmark of the language family on typical drafts (run: python -m benchmarks.language_bench).

The budget is 40 µs per ~1,000-character English or Korean draft that
needs no langdetect; the whole linter must stay under ~250 µs.
"""
from __future__ import annotations

import timeit

from replydesk.linting.document import parse_draft
from replydesk.linting.loading import load_resources
from replydesk.linting.registry import all_rules
from replydesk.linting.rules import language
from replydesk.linting.rules.base import RuleInput

ENGLISH = (
    "Issue Summary\n"
    "The buyer of order 22000009546234 reported on 2024-05-13 that the parcel had not arrived. "
    "Our records and the carrier's records show that it was delivered on 2024-05-12 14:22 KST.\n\n"
    "Facts\n"
    "The item (SKU AB-123, vendor item 3242596358) was handed to CJ Logistics on 2024-05-10 09:05 KST "
    "under waybill 340010913442. The carrier scanned it at the Gonjiam hub on 2024-05-11 and marked it "
    "as delivered to the front door of the buyer's registered address at 14:22 KST the next day, "
    "with a photo of the parcel at the door.\n\n"
    "Evidence index\n"
    "1. Evidence_ProofOfDelivery_20240520_22000009546234.pdf: the carrier's proof of delivery.\n"
    "2. Evidence_Tracking_20240520_22000009546234.png: the tracking page with its URL and timestamp.\n"
    "3. Evidence_Photo_20240520_22000009546234.jpg: the delivery photo taken by the driver.\n\n"
    "Request\n"
    "We ask you to review the attached evidence and to close the claim in our favour. "
    "We will keep the records available if you need anything else."
)
KOREAN = (
    "사실 관계\n"
    "주문번호 22000009546234 상품(SKU AB-123)은 2024-05-10 09:05 KST에 CJ대한통운에 인계되었으며 "
    "송장번호는 340010913442입니다. 2024-05-11 곤지암 허브 입고 스캔이 확인되었고, "
    "2024-05-12 14:22 KST에 고객님의 등록 주소 현관 앞으로 배송완료 처리되었습니다. "
    "배송기사가 촬영한 현관 사진도 함께 등록되어 있습니다.\n\n"
    "증빙 자료\n"
    "1. Evidence_ProofOfDelivery_20240520_22000009546234.pdf: 택배사 배송완료 증빙입니다.\n"
    "2. Evidence_Tracking_20240520_22000009546234.png: URL과 시간이 보이는 배송조회 화면입니다.\n"
    "3. Evidence_Photo_20240520_22000009546234.jpg: 배송기사가 촬영한 배송완료 사진입니다.\n\n"
    "재발 방지\n"
    "앞으로 모든 주문은 출고 전에 포장 상태를 사진으로 기록하고, 배송완료 후 24시간 이내에 "
    "고객님께 수령 여부를 확인하겠습니다. 물류센터 출고 기준도 다시 점검하였으며 담당자 교육을 "
    "2024-05-20에 마쳤습니다. 추가로 필요한 자료가 있으면 말씀해 주시기 바랍니다. "
    "검토 후 클레임을 종료해 주시면 감사하겠습니다. 항상 빠른 처리에 협조해 주셔서 감사합니다.\n\n"
    "요청 사항\n"
    "고객님께서 2024-05-13에 미수령 문의를 남기셨으나, 택배사 기록과 현관 사진으로 보아 상품은 정상적으로 "
    "전달되었습니다. 고객님과의 메시지 기록(2024-05-13 10:02 KST, 2024-05-13 15:40 KST)도 첨부하였습니다. "
    "위 증빙을 검토하시어 판매자 귀책이 아님을 확인해 주시기 바랍니다. 추가 확인이 필요하시면 "
    "판매자센터 메시지로 연락 주시면 24시간 이내에 답변드리겠습니다."
)


def _input(resources, rules, text: str, platform: str = "coupang") -> RuleInput:
    draft = parse_draft(text)
    pack = resources.packs[platform]
    from replydesk.linting.context import CaseContext

    return RuleInput(draft, CaseContext(platform=platform), pack, pack.kind("general"), resources, rules)


def main() -> None:
    resources, rules = load_resources(), all_rules()
    for name, text in (("English", ENGLISH), ("Korean", KOREAN)):
        inp = _input(resources, rules, text)
        assert not language.check(inp), language.check(inp)
        n = 2000
        best = min(timeit.repeat(lambda: language.check(inp), number=n, repeat=5)) / n
        print(f"language check, {name} draft ({len(text)} chars): {best * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
