from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.source_enum import SourceEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReportSummary")


@_attrs_define
class ReportSummary:
    """
    Attributes:
        id (int):
        source (SourceEnum): * `hotline` - Hotline
            * `platform_self_report` - Platform self-report
            * `law_enforcement` - Law-enforcement referral
            * `public` - Public
        reporting_jurisdiction (str):
        received_at (datetime.datetime):
        item_count (int):
        external_reference (str | Unset):
        acute (bool | Unset):
    """

    id: int
    source: SourceEnum
    reporting_jurisdiction: str
    received_at: datetime.datetime
    item_count: int
    external_reference: str | Unset = UNSET
    acute: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        source = self.source.value

        reporting_jurisdiction = self.reporting_jurisdiction

        received_at = self.received_at.isoformat()

        item_count = self.item_count

        external_reference = self.external_reference

        acute = self.acute

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "source": source,
                "reporting_jurisdiction": reporting_jurisdiction,
                "received_at": received_at,
                "item_count": item_count,
            }
        )
        if external_reference is not UNSET:
            field_dict["external_reference"] = external_reference
        if acute is not UNSET:
            field_dict["acute"] = acute

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        source = SourceEnum(d.pop("source"))

        reporting_jurisdiction = d.pop("reporting_jurisdiction")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        item_count = d.pop("item_count")

        external_reference = d.pop("external_reference", UNSET)

        acute = d.pop("acute", UNSET)

        report_summary = cls(
            id=id,
            source=source,
            reporting_jurisdiction=reporting_jurisdiction,
            received_at=received_at,
            item_count=item_count,
            external_reference=external_reference,
            acute=acute,
        )

        report_summary.additional_properties = d
        return report_summary

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
