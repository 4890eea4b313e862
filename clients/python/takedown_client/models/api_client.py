from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ApiClient")


@_attrs_define
class ApiClient:
    """
    Attributes:
        kind (str):
        name (str):
        jurisdiction (str):
        key_name (str):
        key_prefix (str):
        key_expires (datetime.datetime | None):
    """

    kind: str
    name: str
    jurisdiction: str
    key_name: str
    key_prefix: str
    key_expires: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        name = self.name

        jurisdiction = self.jurisdiction

        key_name = self.key_name

        key_prefix = self.key_prefix

        key_expires: None | str
        if isinstance(self.key_expires, datetime.datetime):
            key_expires = self.key_expires.isoformat()
        else:
            key_expires = self.key_expires

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "name": name,
                "jurisdiction": jurisdiction,
                "key_name": key_name,
                "key_prefix": key_prefix,
                "key_expires": key_expires,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = d.pop("kind")

        name = d.pop("name")

        jurisdiction = d.pop("jurisdiction")

        key_name = d.pop("key_name")

        key_prefix = d.pop("key_prefix")

        def _parse_key_expires(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                key_expires_type_0 = datetime.datetime.fromisoformat(data)

                return key_expires_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        key_expires = _parse_key_expires(d.pop("key_expires"))

        api_client = cls(
            kind=kind,
            name=name,
            jurisdiction=jurisdiction,
            key_name=key_name,
            key_prefix=key_prefix,
            key_expires=key_expires,
        )

        api_client.additional_properties = d
        return api_client

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
