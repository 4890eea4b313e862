from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.classification_enum import ClassificationEnum
from ..models.hash_list_action_enum import HashListActionEnum

T = TypeVar("T", bound="HashListChange")


@_attrs_define
class HashListChange:
    """
    Attributes:
        entry (str): The entry this change is about. The same hash can be on the list through more than one entry (one
            file reported at two places): unblock a hash only when every entry that holds it is withdrawn.
        action (HashListActionEnum): * `added` - Added
            * `withdrawn` - Withdrawn
        sha256 (str):
        md5 (str):
        pdq (str):
        classification (ClassificationEnum): * `illegal_all` - Illegal in every involved jurisdiction
            * `illegal_some` - Illegal in some involved jurisdictions
            * `illegal_none` - Illegal in none
        illegal_in (list[str]):
        first_seen (datetime.datetime):
        changed_at (datetime.datetime):
    """

    entry: str
    action: HashListActionEnum
    sha256: str
    md5: str
    pdq: str
    classification: ClassificationEnum
    illegal_in: list[str]
    first_seen: datetime.datetime
    changed_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entry = self.entry

        action = self.action.value

        sha256 = self.sha256

        md5 = self.md5

        pdq = self.pdq

        classification = self.classification.value

        illegal_in = self.illegal_in

        first_seen = self.first_seen.isoformat()

        changed_at = self.changed_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entry": entry,
                "action": action,
                "sha256": sha256,
                "md5": md5,
                "pdq": pdq,
                "classification": classification,
                "illegal_in": illegal_in,
                "first_seen": first_seen,
                "changed_at": changed_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        entry = d.pop("entry")

        action = HashListActionEnum(d.pop("action"))

        sha256 = d.pop("sha256")

        md5 = d.pop("md5")

        pdq = d.pop("pdq")

        classification = ClassificationEnum(d.pop("classification"))

        illegal_in = cast(list[str], d.pop("illegal_in"))

        first_seen = datetime.datetime.fromisoformat(d.pop("first_seen"))

        changed_at = datetime.datetime.fromisoformat(d.pop("changed_at"))

        hash_list_change = cls(
            entry=entry,
            action=action,
            sha256=sha256,
            md5=md5,
            pdq=pdq,
            classification=classification,
            illegal_in=illegal_in,
            first_seen=first_seen,
            changed_at=changed_at,
        )

        hash_list_change.additional_properties = d
        return hash_list_change

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
