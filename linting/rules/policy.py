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
        severity=Severity.ERROR,
        summary="Promise of compensation or reshipment in a dispute",
        why=(
            "A written promise to compensate or resend becomes the buyer's evidence and undermines the "
            "seller's dispute (seed 003: \"在站内信中承诺'补偿'或'重发'后反悔申诉\")."
        ),
        bad="We will compensate the buyer and reship the item.",
        good="The attached proof of delivery shows the item was received on 2024-05-12 14:22 KST.",
    ),
    RuleInfo(
        code="POL003",
        category="policy",
        severity=Severity.ERROR,
        summary="Asking the buyer to withdraw the claim or dispute",
        why="Contacting the buyer to withdraw a dispute breaks Coupang's Dispute Handling Policy 4.1 (seed 002).",
        bad="We asked the buyer to cancel the dispute.",
        good="We submit the evidence for review.",
    ),
)


def check(inp):
    """Nothing beyond the word lists: the term family reports these codes."""
    return ()
