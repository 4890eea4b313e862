from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.intake_result_counts import IntakeResultCounts
    from ..models.intake_result_items_item import IntakeResultItemsItem


T = TypeVar("T", bound="IntakeResult")


@_attrs_define
class IntakeResult:
    """
    Attributes:
        id (int):
        received_at (datetime.datetime):
        counts (IntakeResultCounts):
        items (list[IntakeResultItemsItem]):
    """

    id: int
    received_at: datetime.datetime
    counts: IntakeResultCounts
    items: list[IntakeResultItemsItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        received_at = self.received_at.isoformat()

        counts = self.counts.to_dict()

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "received_at": received_at,
                "counts": counts,
                "items": items,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.intake_result_counts import IntakeResultCounts  # noqa: PLC0415
        from ..models.intake_result_items_item import IntakeResultItemsItem  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        counts = IntakeResultCounts.from_dict(d.pop("counts"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = IntakeResultItemsItem.from_dict(items_item_data)

            items.append(items_item)

        intake_result = cls(
            id=id,
            received_at=received_at,
            counts=counts,
            items=items,
        )

        intake_result.additional_properties = d
        return intake_result

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
