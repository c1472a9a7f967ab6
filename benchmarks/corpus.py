"""Deterministic benchmark corpus: drafts, glossaries and queues built from a seed.

`python -m benchmarks.corpus DIR` writes 2,000 drafts of 300-1,200 characters
(English, Korean, Chinese and mixed; IDs, times, emotional words, glossary
terms), so every tool in a comparison reads the same files.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

EN = [
    "Order {order} was delivered on {date} {time} by CJ Logistics and signed by the recipient.",
    "We confirmed receipt of the returned item on {date} {time}; no damage found on inspection.",
    "The proof of delivery is attached, showing the recipient's signature and the delivery photo.",
    "The buyer opened a return request on {date}, stating that the size did not match the listing.",
    "Our warehouse photos taken before dispatch show the item and its packaging in good condition.",
    "The waybill number is {waybill}; the carrier's tracking page shows the parcel as delivered.",
    "We request that the dispute be reviewed based on the attached evidence.",
    "There was a delivery delay of one day because of the holiday volume at the fulfillment center.",
    "Please check the invoice number on the shipping label, which matches the carrier record.",
    "We are very anxious, please process this urgently!",
    "The parcel was probably delivered last Tuesday at {time}.",
    "Your system made a mistake when it cancelled this order.",
    "If needed, contact us on WhatsApp or at sellerteam@163.com.",
    "We have added a packing check to our standard procedure to prevent this from happening again.",
    "The item was handed to the carrier at {date} 23:30 Beijing time.",
]
KO = [
    "주문번호 {order} 상품은 {date} {time}에 CJ대한통운으로 배송완료 되었습니다.",
    "반품된 상품은 {date} {time}에 물류센터에 입고되어 검수를 마쳤으며 파손은 없었습니다.",
    "송장번호 {waybill} 배송 조회 화면과 배송 사진을 증빙으로 첨부합니다.",
    "고객은 {date}에 사이즈가 다르다는 사유로 반품을 신청했습니다.",
    "명절 물량으로 인해 하루 배송지연이 있었습니다.",
    "출고 전 창고에서 촬영한 사진에서 상품과 포장 상태가 양호함을 확인할 수 있습니다.",
    "첨부한 증빙을 근거로 반품 분쟁 검토를 요청드립니다.",
    "제발 빨리 처리해 주세요!",
    "풀필먼트 센터에서 출고된 상품입니다.",
    "재발 방지를 위해 출고 전 검수 절차를 추가했습니다.",
]
ZH = [
    "订单 {order} 已于 {date} {time} 签收，签收凭证见附件。",
    "我们已经发货了，请不要取消订单。",
    "买家在 {date} 申请退货，理由是尺寸不符。",
    "非常着急，请马上处理。",
]
MIXED = [
    "Order {order} was shipped on {date}, 我们已经发货了.",
    "배송완료 되었습니다 已签收 {date}.",
    "SKU AB-{sku} 상품은 CJ대한통운으로 {date} {time}에 배송완료 되었습니다.",
]
KINDS = ["return-dispute", "cancellation-appeal", "chargeback", "general", "notice-of-action"]


def _fill(rng: random.Random, template: str, order: str) -> str:
    return template.format(
        order=order if rng.random() < 0.85 else order[:-1] + str((int(order[-1]) + 1) % 10),
        date=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        time=rng.choice(["14:22 KST", "09:05 KST", "14:22", "오후 2시", "10:00 (KST)"]),
        waybill=str(rng.randint(10**11, 10**12 - 1)),
        sku=rng.randint(100, 999),
    )


def make_draft(rng: random.Random) -> str:
    order = str(rng.randint(22000000000000, 22999999999999))
    lang = rng.choices(["en", "ko", "zh", "mixed"], weights=[45, 35, 8, 12])[0]
    pool = {"en": EN, "ko": KO, "zh": ZH + EN[:3], "mixed": MIXED + EN + KO}[lang]
    target = rng.randint(300, 1200)
    paras: list[str] = []
    size = 0
    while size < target:
        sentence = _fill(rng, rng.choice(pool), order)
        if paras and rng.random() < 0.6:
            paras[-1] += " " + sentence
        else:
            paras.append(sentence)
        size += len(sentence) + 1
    body = "\n\n".join(paras)[:1200]
    head = f'+++\nplatform = "coupang"\nkind = "{rng.choice(KINDS)}"\norder_ids = ["{order}"]\n+++\n'
    return head + body + "\n"


def write_corpus(folder: Path, count: int = 2000, seed: int = 20241122) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        p = folder / f"draft-{i:05d}.txt"
        p.write_text(make_draft(rng), encoding="utf-8")
        paths.append(p)
    return paths


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/.cache/corpus")
    write_corpus(out)
    print(f"wrote 2000 drafts to {out}")
