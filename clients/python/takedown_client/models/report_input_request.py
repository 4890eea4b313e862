from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.source_enum import SourceEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.item_input_request import ItemInputRequest
    from ..models.protected_source_input_request import ProtectedSourceInputRequest


T = TypeVar("T", bound="ReportInputRequest")


@_attrs_define
class ReportInputRequest:
    """
    Attributes:
        items (list[ItemInputRequest]):
        source (SourceEnum | Unset): * `hotline` - Hotline
            * `platform_self_report` - Platform self-report
            * `law_enforcement` - Law-enforcement referral
            * `public` - Public
        reporting_jurisdiction (str | Unset): The sender's own jurisdiction (a partner's, or a platform's establishment
            or legal representative); another one is refused. Optional when the sender has one. Default: ''.
        acute (bool | Unset):  Default: False.
        summary (str | Unset):  Default: ''.
        external_reference (str | Unset):  Default: ''.
        protected_source (ProtectedSourceInputRequest | Unset):
    """

    items: list[ItemInputRequest]
    source: SourceEnum | Unset = UNSET
    reporting_jurisdiction: str | Unset = ""
    acute: bool | Unset = False
    summary: str | Unset = ""
    external_reference: str | Unset = ""
    protected_source: ProtectedSourceInputRequest | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        source: str | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.value

        reporting_jurisdiction: str | Unset
        if isinstance(self.reporting_jurisdiction, Unset):
            reporting_jurisdiction = UNSET
        else:
            reporting_jurisdiction = self.reporting_jurisdiction

        acute = self.acute

        summary = self.summary

        external_reference = self.external_reference

        protected_source: dict[str, Any] | Unset = UNSET
        if not isinstance(self.protected_source, Unset):
            protected_source = self.protected_source.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "items": items,
            }
        )
        if source is not UNSET:
            field_dict["source"] = source
        if reporting_jurisdiction is not UNSET:
            field_dict["reporting_jurisdiction"] = reporting_jurisdiction
        if acute is not UNSET:
            field_dict["acute"] = acute
        if summary is not UNSET:
            field_dict["summary"] = summary
        if external_reference is not UNSET:
            field_dict["external_reference"] = external_reference
        if protected_source is not UNSET:
            field_dict["protected_source"] = protected_source

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.item_input_request import ItemInputRequest  # noqa: PLC0415
        from ..models.protected_source_input_request import ProtectedSourceInputRequest  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = ItemInputRequest.from_dict(items_item_data)

            items.append(items_item)

        _source = d.pop("source", UNSET)
        source: SourceEnum | Unset
        if isinstance(_source, Unset):
            source = UNSET
        else:
            source = SourceEnum(_source)

        def _parse_reporting_jurisdiction(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        reporting_jurisdiction = _parse_reporting_jurisdiction(d.pop("reporting_jurisdiction", UNSET))

        acute = d.pop("acute", UNSET)

        summary = d.pop("summary", UNSET)

        external_reference = d.pop("external_reference", UNSET)

        _protected_source = d.pop("protected_source", UNSET)
        protected_source: ProtectedSourceInputRequest | Unset
        if isinstance(_protected_source, Unset):
            protected_source = UNSET
        else:
            protected_source = ProtectedSourceInputRequest.from_dict(_protected_source)

        report_input_request = cls(
            items=items,
            source=source,
            reporting_jurisdiction=reporting_jurisdiction,
            acute=acute,
            summary=summary,
            external_reference=external_reference,
            protected_source=protected_source,
        )

        return report_input_request
