from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.blank_enum import BlankEnum
from ..models.case_status_enum import CaseStatusEnum
from ..models.classification_enum import ClassificationEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="Case")


@_attrs_define
class Case:
    """
    Attributes:
        reference (str):
        lead_desk (str):
        lead_jurisdiction (str):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        status (CaseStatusEnum | Unset): * `new` - New
            * `triage` - Triage
            * `assessed` - Assessed
            * `action` - Action under way
            * `resolved` - Resolved
            * `closed` - Closed
            * `not_illegal` - Not illegal
            * `merged` - Merged
        acute (bool | Unset):
        priority (int | Unset):
        assignee (str | Unset):
        classification (BlankEnum | ClassificationEnum | Unset):
        queue_due_at (datetime.datetime | None | Unset):
        merged_into (str | Unset):
        version (int | Unset):
    """

    reference: str
    lead_desk: str
    lead_jurisdiction: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    status: CaseStatusEnum | Unset = UNSET
    acute: bool | Unset = UNSET
    priority: int | Unset = UNSET
    assignee: str | Unset = UNSET
    classification: BlankEnum | ClassificationEnum | Unset = UNSET
    queue_due_at: datetime.datetime | None | Unset = UNSET
    merged_into: str | Unset = UNSET
    version: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reference = self.reference

        lead_desk = self.lead_desk

        lead_jurisdiction = self.lead_jurisdiction

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        acute = self.acute

        priority = self.priority

        assignee = self.assignee

        classification: str | Unset
        if isinstance(self.classification, Unset):
            classification = UNSET
        elif isinstance(self.classification, ClassificationEnum):
            classification = self.classification.value
        else:
            classification = self.classification.value

        queue_due_at: None | str | Unset
        if isinstance(self.queue_due_at, Unset):
            queue_due_at = UNSET
        elif isinstance(self.queue_due_at, datetime.datetime):
            queue_due_at = self.queue_due_at.isoformat()
        else:
            queue_due_at = self.queue_due_at

        merged_into = self.merged_into

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reference": reference,
                "lead_desk": lead_desk,
                "lead_jurisdiction": lead_jurisdiction,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if acute is not UNSET:
            field_dict["acute"] = acute
        if priority is not UNSET:
            field_dict["priority"] = priority
        if assignee is not UNSET:
            field_dict["assignee"] = assignee
        if classification is not UNSET:
            field_dict["classification"] = classification
        if queue_due_at is not UNSET:
            field_dict["queue_due_at"] = queue_due_at
        if merged_into is not UNSET:
            field_dict["merged_into"] = merged_into
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reference = d.pop("reference")

        lead_desk = d.pop("lead_desk")

        lead_jurisdiction = d.pop("lead_jurisdiction")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        _status = d.pop("status", UNSET)
        status: CaseStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = CaseStatusEnum(_status)

        acute = d.pop("acute", UNSET)

        priority = d.pop("priority", UNSET)

        assignee = d.pop("assignee", UNSET)

        def _parse_classification(data: object) -> BlankEnum | ClassificationEnum | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                classification_type_0 = ClassificationEnum(data)

                return classification_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, str):
                raise TypeError()
            classification_type_1 = BlankEnum(data)

            return classification_type_1

        classification = _parse_classification(d.pop("classification", UNSET))

        def _parse_queue_due_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                queue_due_at_type_0 = datetime.datetime.fromisoformat(data)

                return queue_due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        queue_due_at = _parse_queue_due_at(d.pop("queue_due_at", UNSET))

        merged_into = d.pop("merged_into", UNSET)

        version = d.pop("version", UNSET)

        case = cls(
            reference=reference,
            lead_desk=lead_desk,
            lead_jurisdiction=lead_jurisdiction,
            created_at=created_at,
            updated_at=updated_at,
            status=status,
            acute=acute,
            priority=priority,
            assignee=assignee,
            classification=classification,
            queue_due_at=queue_due_at,
            merged_into=merged_into,
            version=version,
        )

        case.additional_properties = d
        return case

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
