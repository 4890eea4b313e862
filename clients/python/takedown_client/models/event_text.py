from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EventText")


@_attrs_define
class EventText:
    """
    Attributes:
        language (str): A language code, e.g. `de`.
        event (str): What happened, in that language.
        kind (str): The order's kind (removal order, notice).
        status (str): The order's status at the event.
    """

    language: str
    event: str
    kind: str
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        language = self.language

        event = self.event

        kind = self.kind

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "language": language,
                "event": event,
                "kind": kind,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        language = d.pop("language")

        event = d.pop("event")

        kind = d.pop("kind")

        status = d.pop("status")

        event_text = cls(
            language=language,
            event=event,
            kind=kind,
            status=status,
        )

        event_text.additional_properties = d
        return event_text

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
