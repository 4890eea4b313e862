from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.test_event_type_enum import TestEventTypeEnum

if TYPE_CHECKING:
    from ..models.test_event_data import TestEventData


T = TypeVar("T", bound="TestEvent")


@_attrs_define
class TestEvent:
    """
    Attributes:
        type_ (TestEventTypeEnum): * `webhook.test` - webhook.test
        timestamp (datetime.datetime):
        data (TestEventData):
    """

    type_: TestEventTypeEnum
    timestamp: datetime.datetime
    data: TestEventData
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
        from ..models.test_event_data import TestEventData  # noqa: PLC0415

        d = dict(src_dict)
        type_ = TestEventTypeEnum(d.pop("type"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        data = TestEventData.from_dict(d.pop("data"))

        test_event = cls(
            type_=type_,
            timestamp=timestamp,
            data=data,
        )

        test_event.additional_properties = d
        return test_event

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
