from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.item_status_enum import ItemStatusEnum

T = TypeVar("T", bound="OrderItem")


@_attrs_define
class OrderItem:
    """
    Attributes:
        id (int):
        url (str):
        status (ItemStatusEnum): * `online` - Online
            * `removed` - Removed
            * `disabled` - Disabled in some jurisdictions
            * `not_found` - Not found
            * `verified_removed` - Verified removed
    """

    id: int
    url: str
    status: ItemStatusEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        url = self.url

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        url = d.pop("url")

        status = ItemStatusEnum(d.pop("status"))

        order_item = cls(
            id=id,
            url=url,
            status=status,
        )

        order_item.additional_properties = d
        return order_item

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
