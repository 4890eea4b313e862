from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.deadline_kind_enum import DeadlineKindEnum
from ..models.deadline_state_enum import DeadlineStateEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="Deadline")


@_attrs_define
class Deadline:
    """
    Attributes:
        kind (DeadlineKindEnum): * `assessment` - Assessment
            * `final_order` - Final order
            * `acknowledgement` - Platform acknowledgement
            * `removal` - Removal
            * `verification` - Verification
            * `mla_response` - MLA response
            * `join_decision` - Decision on a desk asking to join
        started_at (datetime.datetime):
        warn_at (datetime.datetime):
        due_at (datetime.datetime):
        paused (bool):
        state (DeadlineStateEnum | Unset): * `open` - Open
            * `paused` - Paused
            * `met` - Met
            * `missed` - Missed
            * `cancelled` - Cancelled
        met_at (datetime.datetime | None | Unset):
    """

    kind: DeadlineKindEnum
    started_at: datetime.datetime
    warn_at: datetime.datetime
    due_at: datetime.datetime
    paused: bool
    state: DeadlineStateEnum | Unset = UNSET
    met_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        started_at = self.started_at.isoformat()

        warn_at = self.warn_at.isoformat()

        due_at = self.due_at.isoformat()

        paused = self.paused

        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = self.state.value

        met_at: None | str | Unset
        if isinstance(self.met_at, Unset):
            met_at = UNSET
        elif isinstance(self.met_at, datetime.datetime):
            met_at = self.met_at.isoformat()
        else:
            met_at = self.met_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "started_at": started_at,
                "warn_at": warn_at,
                "due_at": due_at,
                "paused": paused,
            }
        )
        if state is not UNSET:
            field_dict["state"] = state
        if met_at is not UNSET:
            field_dict["met_at"] = met_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = DeadlineKindEnum(d.pop("kind"))

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        warn_at = datetime.datetime.fromisoformat(d.pop("warn_at"))

        due_at = datetime.datetime.fromisoformat(d.pop("due_at"))

        paused = d.pop("paused")

        _state = d.pop("state", UNSET)
        state: DeadlineStateEnum | Unset
        if isinstance(_state, Unset):
            state = UNSET
        else:
            state = DeadlineStateEnum(_state)

        def _parse_met_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                met_at_type_0 = datetime.datetime.fromisoformat(data)

                return met_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        met_at = _parse_met_at(d.pop("met_at", UNSET))

        deadline = cls(
            kind=kind,
            started_at=started_at,
            warn_at=warn_at,
            due_at=due_at,
            paused=paused,
            state=state,
            met_at=met_at,
        )

        deadline.additional_properties = d
        return deadline

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
