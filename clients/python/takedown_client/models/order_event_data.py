from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.event_order import EventOrder
    from ..models.event_text import EventText


T = TypeVar("T", bound="OrderEventData")


@_attrs_define
class OrderEventData:
    """
    Attributes:
        order (EventOrder):
        texts (list[EventText]): The human fields in the issuing authority's language, then in the first language your
            platform receives orders in (if it differs): read them side by side.
    """

    order: EventOrder
    texts: list[EventText]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order = self.order.to_dict()

        texts = []
        for texts_item_data in self.texts:
            texts_item = texts_item_data.to_dict()
            texts.append(texts_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "order": order,
                "texts": texts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_order import EventOrder  # noqa: PLC0415
        from ..models.event_text import EventText  # noqa: PLC0415

        d = dict(src_dict)
        order = EventOrder.from_dict(d.pop("order"))

        texts = []
        _texts = d.pop("texts")
        for texts_item_data in _texts:
            texts_item = EventText.from_dict(texts_item_data)

            texts.append(texts_item)

        order_event_data = cls(
            order=order,
            texts=texts,
        )

        order_event_data.additional_properties = d
        return order_event_data

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
