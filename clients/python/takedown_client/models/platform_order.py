from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_kind_enum import OrderKindEnum
from ..models.order_status_enum import OrderStatusEnum

if TYPE_CHECKING:
    from ..models.deadline import Deadline
    from ..models.order_item import OrderItem
    from ..models.signature import Signature
    from ..models.signed_payload import SignedPayload
    from ..models.thread_entry import ThreadEntry


T = TypeVar("T", bound="PlatformOrder")


@_attrs_define
class PlatformOrder:
    """
    Attributes:
        id (int):
        reference (str):
        version (int):
        kind (OrderKindEnum): * `order` - Removal order
            * `notice` - Notice
        status (OrderStatusEnum): * `issued` - Issued
            * `acknowledged` - Acknowledged
            * `completed` - Completed
            * `cannot_comply` - Cannot comply
            * `withdrawn` - Withdrawn
            * `superseded` - Superseded
        suspended (bool):
        sandbox (bool):
        issuing_state (str):
        issuing_authority (str):
        issued_at (datetime.datetime):
        removal_due_at (datetime.datetime):
        acknowledged_at (datetime.datetime | None):
        completed_at (datetime.datetime | None):
        changed_at (datetime.datetime): When the order, an answer of yours or an answer to you last changed: the changes
            feed's clock (`?updated_since=`).
        supersedes (None | str):
        legal_basis (str):
        reasons (str):
        contact_point (str):
        preservation_instruction (str):
        note (str):
        items (list[OrderItem]):
        signed_payload (SignedPayload): The order document exactly as signed; verify the signature over its canonical
            JSON (sorted keys, no spaces, UTF-8), as the integration guide shows.
        signature (Signature):
        clarifications (list[ThreadEntry]):
        objections (list[ThreadEntry]):
        cannot_comply (list[ThreadEntry]):
        deadlines (list[Deadline]):
    """

    id: int
    reference: str
    version: int
    kind: OrderKindEnum
    status: OrderStatusEnum
    suspended: bool
    sandbox: bool
    issuing_state: str
    issuing_authority: str
    issued_at: datetime.datetime
    removal_due_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    changed_at: datetime.datetime
    supersedes: None | str
    legal_basis: str
    reasons: str
    contact_point: str
    preservation_instruction: str
    note: str
    items: list[OrderItem]
    signed_payload: SignedPayload
    signature: Signature
    clarifications: list[ThreadEntry]
    objections: list[ThreadEntry]
    cannot_comply: list[ThreadEntry]
    deadlines: list[Deadline]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        reference = self.reference

        version = self.version

        kind = self.kind.value

        status = self.status.value

        suspended = self.suspended

        sandbox = self.sandbox

        issuing_state = self.issuing_state

        issuing_authority = self.issuing_authority

        issued_at = self.issued_at.isoformat()

        removal_due_at = self.removal_due_at.isoformat()

        acknowledged_at: None | str
        if isinstance(self.acknowledged_at, datetime.datetime):
            acknowledged_at = self.acknowledged_at.isoformat()
        else:
            acknowledged_at = self.acknowledged_at

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        changed_at = self.changed_at.isoformat()

        supersedes: None | str
        supersedes = self.supersedes

        legal_basis = self.legal_basis

        reasons = self.reasons

        contact_point = self.contact_point

        preservation_instruction = self.preservation_instruction

        note = self.note

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        signed_payload = self.signed_payload.to_dict()

        signature = self.signature.to_dict()

        clarifications = []
        for clarifications_item_data in self.clarifications:
            clarifications_item = clarifications_item_data.to_dict()
            clarifications.append(clarifications_item)

        objections = []
        for objections_item_data in self.objections:
            objections_item = objections_item_data.to_dict()
            objections.append(objections_item)

        cannot_comply = []
        for cannot_comply_item_data in self.cannot_comply:
            cannot_comply_item = cannot_comply_item_data.to_dict()
            cannot_comply.append(cannot_comply_item)

        deadlines = []
        for deadlines_item_data in self.deadlines:
            deadlines_item = deadlines_item_data.to_dict()
            deadlines.append(deadlines_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "reference": reference,
                "version": version,
                "kind": kind,
                "status": status,
                "suspended": suspended,
                "sandbox": sandbox,
                "issuing_state": issuing_state,
                "issuing_authority": issuing_authority,
                "issued_at": issued_at,
                "removal_due_at": removal_due_at,
                "acknowledged_at": acknowledged_at,
                "completed_at": completed_at,
                "changed_at": changed_at,
                "supersedes": supersedes,
                "legal_basis": legal_basis,
                "reasons": reasons,
                "contact_point": contact_point,
                "preservation_instruction": preservation_instruction,
                "note": note,
                "items": items,
                "signed_payload": signed_payload,
                "signature": signature,
                "clarifications": clarifications,
                "objections": objections,
                "cannot_comply": cannot_comply,
                "deadlines": deadlines,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.deadline import Deadline  # noqa: PLC0415
        from ..models.order_item import OrderItem  # noqa: PLC0415
        from ..models.signature import Signature  # noqa: PLC0415
        from ..models.signed_payload import SignedPayload  # noqa: PLC0415
        from ..models.thread_entry import ThreadEntry  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        reference = d.pop("reference")

        version = d.pop("version")

        kind = OrderKindEnum(d.pop("kind"))

        status = OrderStatusEnum(d.pop("status"))

        suspended = d.pop("suspended")

        sandbox = d.pop("sandbox")

        issuing_state = d.pop("issuing_state")

        issuing_authority = d.pop("issuing_authority")

        issued_at = datetime.datetime.fromisoformat(d.pop("issued_at"))

        removal_due_at = datetime.datetime.fromisoformat(d.pop("removal_due_at"))

        def _parse_acknowledged_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                acknowledged_at_type_0 = datetime.datetime.fromisoformat(data)

                return acknowledged_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        acknowledged_at = _parse_acknowledged_at(d.pop("acknowledged_at"))

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))

        changed_at = datetime.datetime.fromisoformat(d.pop("changed_at"))

        def _parse_supersedes(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        supersedes = _parse_supersedes(d.pop("supersedes"))

        legal_basis = d.pop("legal_basis")

        reasons = d.pop("reasons")

        contact_point = d.pop("contact_point")

        preservation_instruction = d.pop("preservation_instruction")

        note = d.pop("note")

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = OrderItem.from_dict(items_item_data)

            items.append(items_item)

        signed_payload = SignedPayload.from_dict(d.pop("signed_payload"))

        signature = Signature.from_dict(d.pop("signature"))

        clarifications = []
        _clarifications = d.pop("clarifications")
        for clarifications_item_data in _clarifications:
            clarifications_item = ThreadEntry.from_dict(clarifications_item_data)

            clarifications.append(clarifications_item)

        objections = []
        _objections = d.pop("objections")
        for objections_item_data in _objections:
            objections_item = ThreadEntry.from_dict(objections_item_data)

            objections.append(objections_item)

        cannot_comply = []
        _cannot_comply = d.pop("cannot_comply")
        for cannot_comply_item_data in _cannot_comply:
            cannot_comply_item = ThreadEntry.from_dict(cannot_comply_item_data)

            cannot_comply.append(cannot_comply_item)

        deadlines = []
        _deadlines = d.pop("deadlines")
        for deadlines_item_data in _deadlines:
            deadlines_item = Deadline.from_dict(deadlines_item_data)

            deadlines.append(deadlines_item)

        platform_order = cls(
            id=id,
            reference=reference,
            version=version,
            kind=kind,
            status=status,
            suspended=suspended,
            sandbox=sandbox,
            issuing_state=issuing_state,
            issuing_authority=issuing_authority,
            issued_at=issued_at,
            removal_due_at=removal_due_at,
            acknowledged_at=acknowledged_at,
            completed_at=completed_at,
            changed_at=changed_at,
            supersedes=supersedes,
            legal_basis=legal_basis,
            reasons=reasons,
            contact_point=contact_point,
            preservation_instruction=preservation_instruction,
            note=note,
            items=items,
            signed_payload=signed_payload,
            signature=signature,
            clarifications=clarifications,
            objections=objections,
            cannot_comply=cannot_comply,
            deadlines=deadlines,
        )

        platform_order.additional_properties = d
        return platform_order

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
