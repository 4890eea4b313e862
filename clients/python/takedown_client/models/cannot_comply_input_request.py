from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.ground_enum import GroundEnum

T = TypeVar("T", bound="CannotComplyInputRequest")


@_attrs_define
class CannotComplyInputRequest:
    """
    Attributes:
        ground (GroundEnum): * `force_majeure` - Force majeure
            * `de_facto_impossibility` - De facto impossibility
            * `manifest_error` - Manifest error
            * `insufficient_information` - Insufficient information
        explanation (str):
    """

    ground: GroundEnum
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        ground = self.ground.value

        explanation = self.explanation

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "ground": ground,
                "explanation": explanation,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ground = GroundEnum(d.pop("ground"))

        explanation = d.pop("explanation")

        cannot_comply_input_request = cls(
            ground=ground,
            explanation=explanation,
        )

        return cannot_comply_input_request
