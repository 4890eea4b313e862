from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.item_status_enum import ItemStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="CaseItem")


@_attrs_define
class CaseItem:
    """
    Attributes:
        id (int):
        url (str | Unset):
        normalized_url (str | Unset):
        domain (str | Unset):
        platform (str | Unset):
        hosting_jurisdiction (str | Unset):
        sha256 (str | Unset):
        md5 (str | Unset):
        status (ItemStatusEnum | Unset): * `online` - Online
            * `removed` - Removed
            * `disabled` - Disabled in some jurisdictions
            * `not_found` - Not found
            * `verified_removed` - Verified removed
    """

    id: int
    url: str | Unset = UNSET
    normalized_url: str | Unset = UNSET
    domain: str | Unset = UNSET
    platform: str | Unset = UNSET
    hosting_jurisdiction: str | Unset = UNSET
    sha256: str | Unset = UNSET
    md5: str | Unset = UNSET
    status: ItemStatusEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        url = self.url

        normalized_url = self.normalized_url

        domain = self.domain

        platform = self.platform

        hosting_jurisdiction = self.hosting_jurisdiction

        sha256: str | Unset
        if isinstance(self.sha256, Unset):
            sha256 = UNSET
        else:
            sha256 = self.sha256

        md5: str | Unset
        if isinstance(self.md5, Unset):
            md5 = UNSET
        else:
            md5 = self.md5

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if url is not UNSET:
            field_dict["url"] = url
        if normalized_url is not UNSET:
            field_dict["normalized_url"] = normalized_url
        if domain is not UNSET:
            field_dict["domain"] = domain
        if platform is not UNSET:
            field_dict["platform"] = platform
        if hosting_jurisdiction is not UNSET:
            field_dict["hosting_jurisdiction"] = hosting_jurisdiction
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256
        if md5 is not UNSET:
            field_dict["md5"] = md5
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        url = d.pop("url", UNSET)

        normalized_url = d.pop("normalized_url", UNSET)

        domain = d.pop("domain", UNSET)

        platform = d.pop("platform", UNSET)

        hosting_jurisdiction = d.pop("hosting_jurisdiction", UNSET)

        def _parse_sha256(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        sha256 = _parse_sha256(d.pop("sha256", UNSET))

        def _parse_md5(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        md5 = _parse_md5(d.pop("md5", UNSET))

        _status = d.pop("status", UNSET)
        status: ItemStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ItemStatusEnum(_status)

        case_item = cls(
            id=id,
            url=url,
            normalized_url=normalized_url,
            domain=domain,
            platform=platform,
            hosting_jurisdiction=hosting_jurisdiction,
            sha256=sha256,
            md5=md5,
            status=status,
        )

        case_item.additional_properties = d
        return case_item

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
