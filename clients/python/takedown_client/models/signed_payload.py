from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.format_enum import FormatEnum
from ..models.order_kind_enum import OrderKindEnum

if TYPE_CHECKING:
    from ..models.signed_addressee import SignedAddressee
    from ..models.signed_authority import SignedAuthority
    from ..models.signed_url import SignedUrl


T = TypeVar("T", bound="SignedPayload")


@_attrs_define
class SignedPayload:
    """The order document exactly as signed; verify the signature over its canonical
    JSON (sorted keys, no spaces, UTF-8), as the integration guide shows.

        Attributes:
            format_ (FormatEnum): * `takedown-removal-order` - takedown-removal-order
            format_version (int):
            kind (OrderKindEnum): * `order` - Removal order
                * `notice` - Notice
            reference (str):
            version (int):
            supersedes (None | str):
            issuing_state (str):
            issuing_authority (SignedAuthority):
            addressee (SignedAddressee):
            contact_point (str):
            issued_at (datetime.datetime):
            removal_due_at (datetime.datetime):
            urls (list[SignedUrl]):
            reasons (str):
            legal_basis (str):
            preservation_instruction (str):
            note (str):
            sandbox (bool):
    """

    format_: FormatEnum
    format_version: int
    kind: OrderKindEnum
    reference: str
    version: int
    supersedes: None | str
    issuing_state: str
    issuing_authority: SignedAuthority
    addressee: SignedAddressee
    contact_point: str
    issued_at: datetime.datetime
    removal_due_at: datetime.datetime
    urls: list[SignedUrl]
    reasons: str
    legal_basis: str
    preservation_instruction: str
    note: str
    sandbox: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        format_ = self.format_.value

        format_version = self.format_version

        kind = self.kind.value

        reference = self.reference

        version = self.version

        supersedes: None | str
        supersedes = self.supersedes

        issuing_state = self.issuing_state

        issuing_authority = self.issuing_authority.to_dict()

        addressee = self.addressee.to_dict()

        contact_point = self.contact_point

        issued_at = self.issued_at.isoformat()

        removal_due_at = self.removal_due_at.isoformat()

        urls = []
        for urls_item_data in self.urls:
            urls_item = urls_item_data.to_dict()
            urls.append(urls_item)

        reasons = self.reasons

        legal_basis = self.legal_basis

        preservation_instruction = self.preservation_instruction

        note = self.note

        sandbox = self.sandbox

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "format": format_,
                "format_version": format_version,
                "kind": kind,
                "reference": reference,
                "version": version,
                "supersedes": supersedes,
                "issuing_state": issuing_state,
                "issuing_authority": issuing_authority,
                "addressee": addressee,
                "contact_point": contact_point,
                "issued_at": issued_at,
                "removal_due_at": removal_due_at,
                "urls": urls,
                "reasons": reasons,
                "legal_basis": legal_basis,
                "preservation_instruction": preservation_instruction,
                "note": note,
                "sandbox": sandbox,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.signed_addressee import SignedAddressee  # noqa: PLC0415
        from ..models.signed_authority import SignedAuthority  # noqa: PLC0415
        from ..models.signed_url import SignedUrl  # noqa: PLC0415

        d = dict(src_dict)
        format_ = FormatEnum(d.pop("format"))

        format_version = d.pop("format_version")

        kind = OrderKindEnum(d.pop("kind"))

        reference = d.pop("reference")

        version = d.pop("version")

        def _parse_supersedes(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        supersedes = _parse_supersedes(d.pop("supersedes"))

        issuing_state = d.pop("issuing_state")

        issuing_authority = SignedAuthority.from_dict(d.pop("issuing_authority"))

        addressee = SignedAddressee.from_dict(d.pop("addressee"))

        contact_point = d.pop("contact_point")

        issued_at = datetime.datetime.fromisoformat(d.pop("issued_at"))

        removal_due_at = datetime.datetime.fromisoformat(d.pop("removal_due_at"))

        urls = []
        _urls = d.pop("urls")
        for urls_item_data in _urls:
            urls_item = SignedUrl.from_dict(urls_item_data)

            urls.append(urls_item)

        reasons = d.pop("reasons")

        legal_basis = d.pop("legal_basis")

        preservation_instruction = d.pop("preservation_instruction")

        note = d.pop("note")

        sandbox = d.pop("sandbox")

        signed_payload = cls(
            format_=format_,
            format_version=format_version,
            kind=kind,
            reference=reference,
            version=version,
            supersedes=supersedes,
            issuing_state=issuing_state,
            issuing_authority=issuing_authority,
            addressee=addressee,
            contact_point=contact_point,
            issued_at=issued_at,
            removal_due_at=removal_due_at,
            urls=urls,
            reasons=reasons,
            legal_basis=legal_basis,
            preservation_instruction=preservation_instruction,
            note=note,
            sandbox=sandbox,
        )

        signed_payload.additional_properties = d
        return signed_payload

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
