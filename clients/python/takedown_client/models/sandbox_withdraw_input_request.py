from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SandboxWithdrawInputRequest")


@_attrs_define
class SandboxWithdrawInputRequest:
    """
    Attributes:
        reason (str | Unset): Why it is withdrawn. Left out: a canned text.
    """

    reason: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = d.pop("reason", UNSET)

        sandbox_withdraw_input_request = cls(
            reason=reason,
        )

        return sandbox_withdraw_input_request
