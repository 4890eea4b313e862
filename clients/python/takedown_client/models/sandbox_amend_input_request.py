from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SandboxAmendInputRequest")


@_attrs_define
class SandboxAmendInputRequest:
    """
    Attributes:
        reasons (str | Unset): New reasons. Left out: unchanged.
        note (str | Unset): A new note. Left out: unchanged if `reasons` is given, else a note naming the new version.
    """

    reasons: str | Unset = UNSET
    note: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        reasons = self.reasons

        note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if reasons is not UNSET:
            field_dict["reasons"] = reasons
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reasons = d.pop("reasons", UNSET)

        note = d.pop("note", UNSET)

        sandbox_amend_input_request = cls(
            reasons=reasons,
            note=note,
        )

        return sandbox_amend_input_request
