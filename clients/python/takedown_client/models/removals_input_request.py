from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.removal_request import RemovalRequest


T = TypeVar("T", bound="RemovalsInputRequest")


@_attrs_define
class RemovalsInputRequest:
    """
    Attributes:
        removals (list[RemovalRequest]):
    """

    removals: list[RemovalRequest]

    def to_dict(self) -> dict[str, Any]:
        removals = []
        for removals_item_data in self.removals:
            removals_item = removals_item_data.to_dict()
            removals.append(removals_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "removals": removals,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.removal_request import RemovalRequest  # noqa: PLC0415

        d = dict(src_dict)
        removals = []
        _removals = d.pop("removals")
        for removals_item_data in _removals:
            removals_item = RemovalRequest.from_dict(removals_item_data)

            removals.append(removals_item)

        removals_input_request = cls(
            removals=removals,
        )

        return removals_input_request
