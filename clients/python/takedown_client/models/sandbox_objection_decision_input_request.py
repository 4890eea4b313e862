from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.resolution_enum import ResolutionEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="SandboxObjectionDecisionInputRequest")


@_attrs_define
class SandboxObjectionDecisionInputRequest:
    """
    Attributes:
        resolution (ResolutionEnum): * `upheld` - Upheld: order withdrawn
            * `rejected` - Rejected: order stands
            * `suspended` - Order suspended pending review
        answer (str | Unset): The reasons given to you. Left out: a canned text.
    """

    resolution: ResolutionEnum
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
        resolution = ResolutionEnum(d.pop("resolution"))

        answer = d.pop("answer", UNSET)

        sandbox_objection_decision_input_request = cls(
            resolution=resolution,
            answer=answer,
        )

        return sandbox_objection_decision_input_request
