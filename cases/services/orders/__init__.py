"""Takedown orders: issued and signed by prosecutors, answered by platforms.

An order carries the fields of Regulation (EU) 2021/784 Annex I and is signed (Ed25519)
over its canonical JSON form, which is stored as ``signed_payload``: anyone holding the
issuing authority's public key can check that what the platform received is what was
issued. Platform answers are ``PlatformResponse`` rows; a clarification question or a
cannot-comply report stops the removal clock until the prosecutor answers.
"""

from .common import (
    OrderFields,
    canonical_bytes,
    order_document,
    order_signature_valid,
    removal_due,
)
from .issuing import order_amend, order_issue, order_request_decline, order_withdraw
from .responses import (
    RemovalInput,
    cannot_comply_resolve,
    clarification_answer,
    objection_decide,
    order_acknowledge,
    order_ask_clarification,
    order_cannot_comply,
    order_object,
    order_report_removals,
    order_unsuspend,
)
from .sandbox import (
    SANDBOX_CODE,
    SANDBOX_PROSECUTOR,
    sandbox_answer_later,
    sandbox_cannot_comply_resolve,
    sandbox_clarification_answer,
    sandbox_clarification_auto_answer,
    sandbox_objection_decide,
    sandbox_order_amend,
    sandbox_order_create,
    sandbox_order_unsuspend,
    sandbox_order_withdraw,
)
from .verification import item_verify_removal

__all__ = [
    "SANDBOX_CODE",
    "SANDBOX_PROSECUTOR",
    "OrderFields",
    "RemovalInput",
    "cannot_comply_resolve",
    "canonical_bytes",
    "clarification_answer",
    "item_verify_removal",
    "objection_decide",
    "order_acknowledge",
    "order_amend",
    "order_ask_clarification",
    "order_cannot_comply",
    "order_document",
    "order_issue",
    "order_object",
    "order_report_removals",
    "order_request_decline",
    "order_signature_valid",
    "order_unsuspend",
    "order_withdraw",
    "removal_due",
    "sandbox_answer_later",
    "sandbox_cannot_comply_resolve",
    "sandbox_clarification_answer",
    "sandbox_clarification_auto_answer",
    "sandbox_objection_decide",
    "sandbox_order_amend",
    "sandbox_order_create",
    "sandbox_order_unsuspend",
    "sandbox_order_withdraw",
]
