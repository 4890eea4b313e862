"""When each thing of the cases app may move: one table per entity.

Services call ``MACHINE.move(obj, action, ...)`` (or ``require`` where the status stays);
views and templates ask ``MACHINE.can(obj, action)`` or the ``can`` filter. A move that
is not in a table cannot happen, and tests/test_transitions.py tries every pair.
"""

from takedown.core.transitions import Machine, Move

from .choices import (
    CaseStatus,
    ItemStatus,
    JoinStatus,
    MLAStatus,
    OrderRequestStatus,
    OrderStatus,
    VictimMessageStatus,
)
from .models import (
    Case,
    JoinRequest,
    MLARequest,
    OrderRequest,
    ReportedItem,
    TakedownOrder,
    VictimMessage,
)

_C = CaseStatus
OPEN = {_C.NEW, _C.TRIAGE, _C.ASSESSED, _C.ACTION}
BEFORE_ACTION = {_C.NEW, _C.TRIAGE, _C.ASSESSED}

CASE = Machine(
    Case,
    event="case",
    moves={
        "assigned": Move(from_=OPEN),
        "triaged": Move(from_={_C.NEW}, to=_C.TRIAGE),  # the first assignee takes it up
        "assessed": Move(from_=BEFORE_ACTION, to=_C.ASSESSED),
        "closed_not_illegal": Move(from_=BEFORE_ACTION, to=_C.NOT_ILLEGAL),
        "merged_in": Move(from_=OPEN),
        "merged_into": Move(from_=OPEN, to=_C.MERGED),
        "split": Move(from_=OPEN),
        "order_requested": Move(from_={_C.ASSESSED, _C.ACTION}, to=_C.ACTION),
        "order_issued": Move(from_={_C.ASSESSED, _C.ACTION}, to=_C.ACTION),
        "handed_over": Move(from_=OPEN),
        "resolved": Move(from_={_C.ACTION}, to=_C.RESOLVED),
        "closed": Move(from_={_C.RESOLVED}, to=_C.CLOSED),
    },
)

_I = ItemStatus
REPORTED = {_I.REMOVED, _I.DISABLED, _I.NOT_FOUND}  # the platform said what it did

ITEM = Machine(
    ReportedItem,
    event="item",
    moves={
        # Only what is still online can be ordered removed: the request and the issue
        # both ask this row, so they cannot disagree on "already removed".
        "ordered": Move(from_={_I.ONLINE}),
        "removed": Move(from_={_I.ONLINE}, to=_I.REMOVED),
        "disabled": Move(from_={_I.ONLINE}, to=_I.DISABLED),
        "not_found": Move(from_={_I.ONLINE}, to=_I.NOT_FOUND),
        "verified": Move(from_=REPORTED, to=_I.VERIFIED_REMOVED),
        "reopened": Move(from_=REPORTED, to=_I.ONLINE),
    },
)

_R = OrderRequestStatus
ORDER_REQUEST = Machine(
    OrderRequest,
    event="order_request",
    moves={
        "fulfilled": Move(from_={_R.OPEN}, to=_R.FULFILLED),
        "declined": Move(from_={_R.OPEN}, to=_R.DECLINED),
    },
)

_O = OrderStatus
RUNNING = {_O.ISSUED, _O.ACKNOWLEDGED, _O.CANNOT_COMPLY}
PLATFORM_MAY_ANSWER = {_O.ISSUED, _O.ACKNOWLEDGED}

ORDER = Machine(
    TakedownOrder,
    event="order",
    moves={
        "acknowledged": Move(from_={_O.ISSUED}, to=_O.ACKNOWLEDGED),
        "removals_reported": Move(from_=PLATFORM_MAY_ANSWER),
        # The last outcome completes the order (reporting is receipt, if none came yet).
        "completed": Move(from_=PLATFORM_MAY_ANSWER, to=_O.COMPLETED),
        "cannot_comply": Move(from_=PLATFORM_MAY_ANSWER, to=_O.CANNOT_COMPLY),
        "clarification_asked": Move(from_=PLATFORM_MAY_ANSWER),
        "clarification_answered": Move(from_=RUNNING),
        "cannot_comply_maintained": Move(from_={_O.CANNOT_COMPLY}, to=_O.ACKNOWLEDGED),
        # Objections are the redress route, for a completed order too.
        "objection_filed": Move(from_={*RUNNING, _O.COMPLETED}),
        "objection_decided": Move(from_={*RUNNING, _O.COMPLETED}),
        "unsuspended": Move(from_=RUNNING),
        "superseded": Move(from_=RUNNING, to=_O.SUPERSEDED),
        # A completed order may be withdrawn too (an objection upheld): the platform
        # may then restore the content.
        "withdrawn": Move(from_={*RUNNING, _O.COMPLETED}, to=_O.WITHDRAWN),
    },
)

_M = MLAStatus
MLA_OPEN = {_M.SENT, _M.ACCEPTED, _M.INFO_REQUESTED}
MLA_UNDER_WAY = {_M.DRAFT, *MLA_OPEN}  # what a desk still has in hand

MLA = Machine(
    MLARequest,
    event="mla",
    moves={
        "sent": Move(from_={_M.DRAFT}, to=_M.SENT),
        "linked_duplicate": Move(from_={_M.DRAFT}, to=_M.WITHDRAWN),
        "accepted": Move(from_={_M.SENT}, to=_M.ACCEPTED),
        "info_requested": Move(from_={_M.SENT, _M.ACCEPTED}, to=_M.INFO_REQUESTED),
        "information_given": Move(from_={_M.INFO_REQUESTED}, to=_M.SENT),
        "refused": Move(from_=MLA_OPEN, to=_M.REFUSED),
        "answered": Move(from_={_M.SENT, _M.ACCEPTED}, to=_M.ANSWERED),
        "document_added": Move(from_=MLA_OPEN),
        "withdrawn": Move(from_=MLA_UNDER_WAY, to=_M.WITHDRAWN),
    },
)

_V = VictimMessageStatus
VICTIM_MESSAGE = Machine(
    VictimMessage,
    event="victim",
    moves={
        "notice_approved": Move(from_={_V.DRAFT}, to=_V.APPROVED),
        "notice_discarded": Move(from_={_V.DRAFT}, to=_V.DISCARDED),
    },
)

_J = JoinStatus
JOIN = Machine(
    JoinRequest,
    event="join",
    moves={
        "accepted": Move(from_={_J.PENDING}, to=_J.ACCEPTED),
        "declined": Move(from_={_J.PENDING}, to=_J.DECLINED),
    },
)
