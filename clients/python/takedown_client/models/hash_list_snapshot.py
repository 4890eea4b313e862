from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.hash_list_change import HashListChange


T = TypeVar("T", bound="HashListSnapshot")


@_attrs_define
class HashListSnapshot:
    """
    Attributes:
        entries (list[HashListChange]):
        checkpoint (str): Where the list stood when the snapshot began: pull changes `since` it.
        next_ (None | str): The next page of the snapshot.
    """

    entries: list[HashListChange]
    checkpoint: str
    next_: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entries = []
        for entries_item_data in self.entries:
            entries_item = entries_item_data.to_dict()
            entries.append(entries_item)

        checkpoint = self.checkpoint

        next_: None | str
        next_ = self.next_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entries": entries,
                "checkpoint": checkpoint,
                "next": next_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.hash_list_change import HashListChange  # noqa: PLC0415

        d = dict(src_dict)
        entries = []
        _entries = d.pop("entries")
        for entries_item_data in _entries:
            entries_item = HashListChange.from_dict(entries_item_data)

            entries.append(entries_item)

        checkpoint = d.pop("checkpoint")

        def _parse_next_(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_ = _parse_next_(d.pop("next"))

        hash_list_snapshot = cls(
            entries=entries,
            checkpoint=checkpoint,
            next_=next_,
        )

        hash_list_snapshot.additional_properties = d
        return hash_list_snapshot

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
