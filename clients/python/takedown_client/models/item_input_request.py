from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ItemInputRequest")


@_attrs_define
class ItemInputRequest:
    """
    Attributes:
        url (str | Unset):  Default: ''.
        sha256 (str | Unset):  Default: ''.
        md5 (str | Unset):  Default: ''.
        pdq (str | Unset):  Default: ''.
        hosting_country (str | Unset):  Default: ''.
        hosting_ip (str | Unset):  Default: ''.
    """

    url: str | Unset = ""
    sha256: str | Unset = ""
    md5: str | Unset = ""
    pdq: str | Unset = ""
    hosting_country: str | Unset = ""
    hosting_ip: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        sha256 = self.sha256

        md5 = self.md5

        pdq = self.pdq

        hosting_country = self.hosting_country

        hosting_ip = self.hosting_ip

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if url is not UNSET:
            field_dict["url"] = url
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256
        if md5 is not UNSET:
            field_dict["md5"] = md5
        if pdq is not UNSET:
            field_dict["pdq"] = pdq
        if hosting_country is not UNSET:
            field_dict["hosting_country"] = hosting_country
        if hosting_ip is not UNSET:
            field_dict["hosting_ip"] = hosting_ip

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url", UNSET)

        sha256 = d.pop("sha256", UNSET)

        md5 = d.pop("md5", UNSET)

        pdq = d.pop("pdq", UNSET)

        hosting_country = d.pop("hosting_country", UNSET)

        hosting_ip = d.pop("hosting_ip", UNSET)

        item_input_request = cls(
            url=url,
            sha256=sha256,
            md5=md5,
            pdq=pdq,
            hosting_country=hosting_country,
            hosting_ip=hosting_ip,
        )

        return item_input_request
