from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.report_line_case import ReportLineCase


T = TypeVar("T", bound="ReportLine")


@_attrs_define
class ReportLine:
    """
    Attributes:
        position (int):
        url (str):
        sha256 (str):
        md5 (str):
        item_status (str):
        case (ReportLineCase):
        matched_by (str | Unset): url, sha256 or md5 when it joined an existing item.
    """

    position: int
    url: str
    sha256: str
    md5: str
    item_status: str
    case: ReportLineCase
    matched_by: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        position = self.position

        url = self.url

        sha256 = self.sha256

        md5 = self.md5

        item_status = self.item_status

        case = self.case.to_dict()

        matched_by = self.matched_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "position": position,
                "url": url,
                "sha256": sha256,
                "md5": md5,
                "item_status": item_status,
                "case": case,
            }
        )
        if matched_by is not UNSET:
            field_dict["matched_by"] = matched_by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.report_line_case import ReportLineCase  # noqa: PLC0415

        d = dict(src_dict)
        position = d.pop("position")

        url = d.pop("url")

        sha256 = d.pop("sha256")

        md5 = d.pop("md5")

        item_status = d.pop("item_status")

        case = ReportLineCase.from_dict(d.pop("case"))

        matched_by = d.pop("matched_by", UNSET)

        report_line = cls(
            position=position,
            url=url,
            sha256=sha256,
            md5=md5,
            item_status=item_status,
            case=case,
            matched_by=matched_by,
        )

        report_line.additional_properties = d
        return report_line

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
