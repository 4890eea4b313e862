from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SandboxAnswerInputRequest")


@_attrs_define
class SandboxAnswerInputRequest:
    """
    Attributes:
        answer (str | Unset): The answer to your question. Left out: a canned text.
    """

    answer: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        answer = self.answer

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if answer is not UNSET:
            field_dict["answer"] = answer

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        answer = d.pop("answer", UNSET)

        sandbox_answer_input_request = cls(
            answer=answer,
        )

        return sandbox_answer_input_request
