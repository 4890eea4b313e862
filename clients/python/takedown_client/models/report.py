from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.source_enum import SourceEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.report_line import ReportLine


T = TypeVar("T", bound="Report")


@_attrs_define
class Report:
    """
    Attributes:
        id (int):
        source (SourceEnum): * `hotline` - Hotline
            * `platform_self_report` - Platform self-report
            * `law_enforcement` - Law-enforcement referral
            * `public` - Public
        reporting_jurisdiction (str):
        received_at (datetime.datetime):
        items (list[ReportLine]):
        external_reference (str | Unset):
        acute (bool | Unset):
        summary (str | Unset):
    """

    id: int
    source: SourceEnum
    reporting_jurisdiction: str
    received_at: datetime.datetime
    items: list[ReportLine]
    external_reference: str | Unset = UNSET
    acute: bool | Unset = UNSET
    summary: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        source = self.source.value

        reporting_jurisdiction = self.reporting_jurisdiction

        received_at = self.received_at.isoformat()

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        external_reference = self.external_reference

        acute = self.acute

        summary = self.summary

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "source": source,
                "reporting_jurisdiction": reporting_jurisdiction,
                "received_at": received_at,
                "items": items,
            }
        )
        if external_reference is not UNSET:
            field_dict["external_reference"] = external_reference
        if acute is not UNSET:
            field_dict["acute"] = acute
        if summary is not UNSET:
            field_dict["summary"] = summary

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.report_line import ReportLine  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        source = SourceEnum(d.pop("source"))

        reporting_jurisdiction = d.pop("reporting_jurisdiction")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = ReportLine.from_dict(items_item_data)

            items.append(items_item)

        external_reference = d.pop("external_reference", UNSET)

        acute = d.pop("acute", UNSET)

        summary = d.pop("summary", UNSET)

        report = cls(
            id=id,
            source=source,
            reporting_jurisdiction=reporting_jurisdiction,
            received_at=received_at,
            items=items,
            external_reference=external_reference,
            acute=acute,
            summary=summary,
        )

        report.additional_properties = d
        return report

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
