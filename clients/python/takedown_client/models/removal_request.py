from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.outcome_enum import OutcomeEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="RemovalRequest")


@_attrs_define
class RemovalRequest:
    """
    Attributes:
        item (int):
        outcome (OutcomeEnum): * `removed` - Removed
            * `disabled` - Disabled in listed jurisdictions
            * `not_found` - Not found
        happened_at (datetime.datetime):
        jurisdictions (list[str] | Unset): For 'disabled': where access is disabled (ISO 3166-1 alpha-2), jurisdictions
            of the network.
    """

    item: int
    outcome: OutcomeEnum
    happened_at: datetime.datetime
    jurisdictions: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        item = self.item

        outcome = self.outcome.value

        happened_at = self.happened_at.isoformat()

        jurisdictions: list[str] | Unset = UNSET
        if not isinstance(self.jurisdictions, Unset):
            jurisdictions = self.jurisdictions

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "item": item,
                "outcome": outcome,
                "happened_at": happened_at,
            }
        )
        if jurisdictions is not UNSET:
            field_dict["jurisdictions"] = jurisdictions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        item = d.pop("item")

        outcome = OutcomeEnum(d.pop("outcome"))

        happened_at = datetime.datetime.fromisoformat(d.pop("happened_at"))

        jurisdictions = cast(list[str], d.pop("jurisdictions", UNSET))

        removal_request = cls(
            item=item,
            outcome=outcome,
            happened_at=happened_at,
            jurisdictions=jurisdictions,
        )

        return removal_request
