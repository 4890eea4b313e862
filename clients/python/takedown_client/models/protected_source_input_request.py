from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProtectedSourceInputRequest")


@_attrs_define
class ProtectedSourceInputRequest:
    """
    Attributes:
        name (str | Unset):  Default: ''.
        contact (str | Unset):  Default: ''.
        how_they_know (str | Unset):  Default: ''.
    """

    name: str | Unset = ""
    contact: str | Unset = ""
    how_they_know: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        contact = self.contact

        how_they_know = self.how_they_know

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if contact is not UNSET:
            field_dict["contact"] = contact
        if how_they_know is not UNSET:
            field_dict["how_they_know"] = how_they_know

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        contact = d.pop("contact", UNSET)

        how_they_know = d.pop("how_they_know", UNSET)

        protected_source_input_request = cls(
            name=name,
            contact=contact,
            how_they_know=how_they_know,
        )

        return protected_source_input_request
