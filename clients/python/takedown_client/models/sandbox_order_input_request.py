from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SandboxOrderInputRequest")


@_attrs_define
class SandboxOrderInputRequest:
    """
    Attributes:
        items (int | Unset):  Default: 2.
    """

    items: int | Unset = 2

    def to_dict(self) -> dict[str, Any]:
        items = self.items

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if items is not UNSET:
            field_dict["items"] = items

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        items = d.pop("items", UNSET)

        sandbox_order_input_request = cls(
            items=items,
        )

        return sandbox_order_input_request
