from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_status_enum import OrderStatusEnum

T = TypeVar("T", bound="EventOrder")


@_attrs_define
class EventOrder:
    """
    Attributes:
        id (int): Fetch it: GET /api/v1/platform/orders/{id}/.
        reference (str):
        version (int):
        status (OrderStatusEnum): * `issued` - Issued
            * `acknowledged` - Acknowledged
            * `completed` - Completed
            * `cannot_comply` - Cannot comply
            * `withdrawn` - Withdrawn
            * `superseded` - Superseded
        sandbox (bool):
    """

    id: int
    reference: str
    version: int
    status: OrderStatusEnum
    sandbox: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        reference = self.reference

        version = self.version

        status = self.status.value

        sandbox = self.sandbox

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "reference": reference,
                "version": version,
                "status": status,
                "sandbox": sandbox,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        reference = d.pop("reference")

        version = d.pop("version")

        status = OrderStatusEnum(d.pop("status"))

        sandbox = d.pop("sandbox")

        event_order = cls(
            id=id,
            reference=reference,
            version=version,
            status=status,
            sandbox=sandbox,
        )

        event_order.additional_properties = d
        return event_order

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
