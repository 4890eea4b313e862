from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Signature")


@_attrs_define
class Signature:
    """
    Attributes:
        algorithm (str):  Default: 'Ed25519'.
        key_id (str):
        value (str): base64url Ed25519 signature over the canonical form
        canonicalisation (str):  Default: "signed_payload as JSON: keys sorted, separators ',' and ':', no whitespace,
            UTF-8".
    """

    key_id: str
    value: str
    algorithm: str = "Ed25519"
    canonicalisation: str = "signed_payload as JSON: keys sorted, separators ',' and ':', no whitespace, UTF-8"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        algorithm = self.algorithm

        key_id = self.key_id

        value = self.value

        canonicalisation = self.canonicalisation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "algorithm": algorithm,
                "key_id": key_id,
                "value": value,
                "canonicalisation": canonicalisation,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        algorithm = d.pop("algorithm")

        key_id = d.pop("key_id")

        value = d.pop("value")

        canonicalisation = d.pop("canonicalisation")

        signature = cls(
            algorithm=algorithm,
            key_id=key_id,
            value=value,
            canonicalisation=canonicalisation,
        )

        signature.additional_properties = d
        return signature

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
