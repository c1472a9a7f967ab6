"""Policy: stay on the platform and do not undermine the dispute.

These codes are word lists (glossaries/off-platform.toml, promises.toml and
friends), matched by the glossary machinery and reported by the term
family; this module holds their documentation, so `rules` and `explain`
show them like any other rule.
"""
from __future__ import annotations

from ..findings import Severity
from .base import RuleInfo

RULES = (
    RuleInfo(
        code="POL001",
        category="policy",
        severity=Severity.ERROR,
        summary="Off-platform channel (WhatsApp, WeChat, LINE, public mailbox)",
        why=(
            "Only the platform's own channels count: WhatsApp, WeChat or unregistered e-mail (Gmail, "
            "163, QQ) are not recognised and earn an \"Off-platform Communication\" warning (seeds 000, "
            "001, 002, 004)."
        ),
        bad="Please contact us on WhatsApp +86 138 0000 0000.",
        good="We will answer through Seller Center messages.",
    ),
    RuleInfo(
        code="POL002",
        category="policy",
        severity=Severity.WARNING,
        summary="Promise of compensation or reshipment in a dispute",
        why=(
            "A written promise to compensate or resend becomes the buyer's evidence and undermines the "
            "seller's dispute (seed 003: \"在站内信中承诺'补偿'或'重发'后反悔申诉\"). Only in disputes (return "
            "disputes, chargebacks, A-to-z reviews), and only a promise: a refund or return that already "
            "happened is a fact. A warning: the reply may accept part of the claim on purpose."
        ),
        bad="We will compensate the buyer and reship the item.",
        good="The attached proof of delivery shows the item was received on 2024-05-12 14:22 KST.",
    ),
    RuleInfo(
        code="POL003",
        category="policy",
        severity=Severity.ERROR,
        summary="Asking the buyer to withdraw the claim or dispute",
        why=(
            "Contacting the buyer to withdraw a dispute breaks Coupang's Dispute Handling Policy 4.1 "
            "(seed 002: \"在争议期内私自联系买家撤诉\"). Asking the platform to cancel or reverse the claim "
            "(\"we request that Coupang cancel the claim\", \"클레임 취소를 요청드립니다\") is the purpose of a "
            "claim review and is not flagged: only a request addressed to the buyer is."
        ),
        bad="We asked the buyer to cancel the dispute.",
        good="We request that Coupang cancel the claim based on the attached proof of delivery.",
    ),
)


def check(inp):
    """Nothing beyond the word lists: the term family reports these codes."""
    return ()
