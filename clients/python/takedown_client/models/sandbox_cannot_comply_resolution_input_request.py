from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.cannot_comply_resolution_enum import CannotComplyResolutionEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="SandboxCannotComplyResolutionInputRequest")


@_attrs_define
class SandboxCannotComplyResolutionInputRequest:
    """
    Attributes:
        resolution (CannotComplyResolutionEnum): * `maintain` - Maintain the order (the clock resumes)
            * `withdraw` - Withdraw the order
        answer (str | Unset): The explanation to you. Left out: a canned text.
    """

    resolution: CannotComplyResolutionEnum
    answer: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        resolution = self.resolution.value

        answer = self.answer

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "resolution": resolution,
            }
        )
        if answer is not UNSET:
            field_dict["answer"] = answer

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        resolution = CannotComplyResolutionEnum(d.pop("resolution"))

        answer = d.pop("answer", UNSET)

        sandbox_cannot_comply_resolution_input_request = cls(
            resolution=resolution,
            answer=answer,
        )

        return sandbox_cannot_comply_resolution_input_request
