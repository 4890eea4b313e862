from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_event_type_enum import OrderEventTypeEnum

if TYPE_CHECKING:
    from ..models.order_event_data import OrderEventData


T = TypeVar("T", bound="OrderEvent")


@_attrs_define
class OrderEvent:
    """
    Attributes:
        type_ (OrderEventTypeEnum): * `order.issued` - A new order or notice for you
            * `order.amended` - A new version replaces an order
            * `order.withdrawn` - An order was withdrawn
            * `order.clarification_answered` - The issuing authority answered your question
            * `order.cannot_comply_resolved` - The issuing authority maintained the order after your cannot-comply report
            * `order.objection_decided` - Your objection was rejected, or the order suspended
            * `order.unsuspended` - A suspended order is in force again
        timestamp (datetime.datetime):
        data (OrderEventData):
    """

    type_: OrderEventTypeEnum
    timestamp: datetime.datetime
    data: OrderEventData
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        timestamp = self.timestamp.isoformat()

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "timestamp": timestamp,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_event_data import OrderEventData  # noqa: PLC0415

        d = dict(src_dict)
        type_ = OrderEventTypeEnum(d.pop("type"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        data = OrderEventData.from_dict(d.pop("data"))

        order_event = cls(
            type_=type_,
            timestamp=timestamp,
            data=data,
        )

        order_event.additional_properties = d
        return order_event

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
