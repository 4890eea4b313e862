from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.blank_enum import BlankEnum
from ..models.ground_enum import GroundEnum
from ..models.resolution_enum import ResolutionEnum
from ..models.thread_entry_kind_enum import ThreadEntryKindEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ThreadEntry")


@_attrs_define
class ThreadEntry:
    """
    Attributes:
        id (int):
        kind (ThreadEntryKindEnum): * `acknowledgement` - Acknowledgement
            * `outcome` - Item outcome
            * `cannot_comply` - Cannot comply
            * `clarification` - Clarification question
            * `objection` - Objection
        created_at (datetime.datetime):
        ground (BlankEnum | GroundEnum | Unset):
        message (str | Unset):
        answer (str | Unset):
        answered_at (datetime.datetime | None | Unset):
        resolution (BlankEnum | ResolutionEnum | Unset):
    """

    id: int
    kind: ThreadEntryKindEnum
    created_at: datetime.datetime
    ground: BlankEnum | GroundEnum | Unset = UNSET
    message: str | Unset = UNSET
    answer: str | Unset = UNSET
    answered_at: datetime.datetime | None | Unset = UNSET
    resolution: BlankEnum | ResolutionEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind.value

        created_at = self.created_at.isoformat()

        ground: str | Unset
        if isinstance(self.ground, Unset):
            ground = UNSET
        elif isinstance(self.ground, GroundEnum):
            ground = self.ground.value
        else:
            ground = self.ground.value

        message = self.message

        answer = self.answer

        answered_at: None | str | Unset
        if isinstance(self.answered_at, Unset):
            answered_at = UNSET
        elif isinstance(self.answered_at, datetime.datetime):
            answered_at = self.answered_at.isoformat()
        else:
            answered_at = self.answered_at

        resolution: str | Unset
        if isinstance(self.resolution, Unset):
            resolution = UNSET
        elif isinstance(self.resolution, ResolutionEnum):
            resolution = self.resolution.value
        else:
            resolution = self.resolution.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "created_at": created_at,
            }
        )
        if ground is not UNSET:
            field_dict["ground"] = ground
        if message is not UNSET:
            field_dict["message"] = message
        if answer is not UNSET:
            field_dict["answer"] = answer
        if answered_at is not UNSET:
            field_dict["answered_at"] = answered_at
        if resolution is not UNSET:
            field_dict["resolution"] = resolution

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        kind = ThreadEntryKindEnum(d.pop("kind"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_ground(data: object) -> BlankEnum | GroundEnum | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ground_type_0 = GroundEnum(data)

                return ground_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, str):
                raise TypeError()
            ground_type_1 = BlankEnum(data)

            return ground_type_1

        ground = _parse_ground(d.pop("ground", UNSET))

        message = d.pop("message", UNSET)

        answer = d.pop("answer", UNSET)

        def _parse_answered_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                answered_at_type_0 = datetime.datetime.fromisoformat(data)

                return answered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        answered_at = _parse_answered_at(d.pop("answered_at", UNSET))

        def _parse_resolution(data: object) -> BlankEnum | ResolutionEnum | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolution_type_0 = ResolutionEnum(data)

                return resolution_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, str):
                raise TypeError()
            resolution_type_1 = BlankEnum(data)

            return resolution_type_1

        resolution = _parse_resolution(d.pop("resolution", UNSET))

        thread_entry = cls(
            id=id,
            kind=kind,
            created_at=created_at,
            ground=ground,
            message=message,
            answer=answer,
            answered_at=answered_at,
            resolution=resolution,
        )

        thread_entry.additional_properties = d
        return thread_entry

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
