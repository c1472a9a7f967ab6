"""Micro-benchmark of the language family on typical drafts (run: python -m benchmarks.language_bench).

The budget is 40 µs per ~1,000-character English or Korean draft that
needs no langdetect; the whole linter must stay under ~250 µs.
"""
from __future__ import annotations

import time
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
    " Thank you for your time."
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
    "판매자센터 메시지로 연락 주시면 24시간 이내에 답변드리겠습니다. "
    "동일한 문제가 다시 발생하지 않도록 출고 전 검수 절차를 강화하였고, 모든 송장번호는 "
    "주문번호와 함께 기록하여 보관하고 있습니다. 검토해 주셔서 감사합니다."
)


MIXED = (
    "주문번호 22000009546234 상품은 2024-05-12 14:22 KST에 배송완료 되었습니다（사진 첨부）。 "
    "이번 변수(變數)는 美 물류센터 사정입니다. We shipped the item 已签收 on 2024-05-12. "
    "Hemos enviado el pedido y el cliente confirmó la recepción del paquete ayer."
)


def _input(resources, rules, text: str, platform: str = "coupang") -> RuleInput:
    from replydesk.linting.context import CaseContext

    draft = parse_draft(text)
    pack = resources.packs[platform]
    return RuleInput(draft, CaseContext(platform=platform), pack, pack.kind("general"), resources, rules)


def _per_call(fn, number: int = 2000) -> float:
    return min(timeit.repeat(fn, number=number, repeat=7)) / number


def _check(resources, rules, text):
    # A fresh RuleInput per call, as the engine makes one per draft (no shared per-draft cache).
    return lambda: list(language.check(_input(resources, rules, text)))  # check() may be lazy


def main() -> None:
    resources, rules = load_resources(), all_rules()
    base = _per_call(lambda: _input(resources, rules, ENGLISH))
    print(f"(building a RuleInput: {base * 1e6:.1f} µs, subtracted below)")
    for name, text in (("English", ENGLISH), ("Korean", KOREAN)):
        assert not list(language.check(_input(resources, rules, text)))
        warm = _per_call(_check(resources, rules, text)) - base

        def cold(text=text):
            language.clear_caches()
            list(language.check(_input(resources, rules, text)))

        cold_time = _per_call(cold) - base
        print(
            f"language check, {name} draft ({len(text)} chars): {warm * 1e6:.1f} µs "
            f"(per-sentence caches cold: {cold_time * 1e6:.1f} µs)"
        )
    list(language.check(_input(resources, rules, MIXED)))  # langdetect loaded, verdicts cached
    mixed = _per_call(_check(resources, rules, MIXED), 500) - base
    print(f"language check, mixed draft with Hanja, Chinese, full-width marks, Spanish: {mixed * 1e6:.1f} µs (cached)")
    print(f"langdetect profiles: {_load_time(language.LATIN_PROFILES) * 1e3:.0f} ms for the "
          f"{len(language.LATIN_PROFILES)} Latin-script ones, {_load_time(None) * 1e3:.0f} ms for all")


def _load_time(codes) -> float:
    import os

    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        factory = DetectorFactory()
        if codes is None:
            factory.load_profile(PROFILES_DIRECTORY)
        else:
            profiles = []
            for code in codes:
                with open(os.path.join(PROFILES_DIRECTORY, code), encoding="utf-8") as fh:
                    profiles.append(fh.read())
            factory.load_json_profile(profiles)
        best = min(best, time.perf_counter() - start)
    return best


if __name__ == "__main__":
    main()
