from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.purpose_enum import PurposeEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PublicKey")


@_attrs_define
class PublicKey:
    """
    Attributes:
        key_id (str):
        authority (str):
        jurisdiction (str):
        purpose (PurposeEnum): * `signing` - Signing (Ed25519)
            * `encryption` - Encryption (X25519)
        algorithm (str):
        public_key (str): Raw public key, base64url.
        valid_from (datetime.datetime):
        valid_until (datetime.datetime | None | Unset):
        revoked_at (datetime.datetime | None | Unset):
        is_sandbox (bool | Unset):
    """

    key_id: str
    authority: str
    jurisdiction: str
    purpose: PurposeEnum
    algorithm: str
    public_key: str
    valid_from: datetime.datetime
    valid_until: datetime.datetime | None | Unset = UNSET
    revoked_at: datetime.datetime | None | Unset = UNSET
    is_sandbox: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key_id = self.key_id

        authority = self.authority

        jurisdiction = self.jurisdiction

        purpose = self.purpose.value

        algorithm = self.algorithm

        public_key = self.public_key

        valid_from = self.valid_from.isoformat()

        valid_until: None | str | Unset
        if isinstance(self.valid_until, Unset):
            valid_until = UNSET
        elif isinstance(self.valid_until, datetime.datetime):
            valid_until = self.valid_until.isoformat()
        else:
            valid_until = self.valid_until

        revoked_at: None | str | Unset
        if isinstance(self.revoked_at, Unset):
            revoked_at = UNSET
        elif isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        is_sandbox = self.is_sandbox

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key_id": key_id,
                "authority": authority,
                "jurisdiction": jurisdiction,
                "purpose": purpose,
                "algorithm": algorithm,
                "public_key": public_key,
                "valid_from": valid_from,
            }
        )
        if valid_until is not UNSET:
            field_dict["valid_until"] = valid_until
        if revoked_at is not UNSET:
            field_dict["revoked_at"] = revoked_at
        if is_sandbox is not UNSET:
            field_dict["is_sandbox"] = is_sandbox

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key_id = d.pop("key_id")

        authority = d.pop("authority")

        jurisdiction = d.pop("jurisdiction")

        purpose = PurposeEnum(d.pop("purpose"))

        algorithm = d.pop("algorithm")

        public_key = d.pop("public_key")

        valid_from = datetime.datetime.fromisoformat(d.pop("valid_from"))

        def _parse_valid_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_until_type_0 = datetime.datetime.fromisoformat(data)

                return valid_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        valid_until = _parse_valid_until(d.pop("valid_until", UNSET))

        def _parse_revoked_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)

                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at", UNSET))

        is_sandbox = d.pop("is_sandbox", UNSET)

        public_key = cls(
            key_id=key_id,
            authority=authority,
            jurisdiction=jurisdiction,
            purpose=purpose,
            algorithm=algorithm,
            public_key=public_key,
            valid_from=valid_from,
            valid_until=valid_until,
            revoked_at=revoked_at,
            is_sandbox=is_sandbox,
        )

        public_key.additional_properties = d
        return public_key

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
