from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ItemInputRequest")


@_attrs_define
class ItemInputRequest:
    """
    Attributes:
        url (str | Unset): An http or https URL whose host is a domain name or an IP address. Default: ''.
        sha256 (str | Unset):  Default: ''.
        md5 (str | Unset):  Default: ''.
        pdq (str | Unset):  Default: ''.
        hosting_country (str | Unset): A jurisdiction of the network, if known. Default: ''.
        hosting_ip (str | Unset):  Default: ''.
    """

    url: str | Unset = ""
    sha256: str | Unset = ""
    md5: str | Unset = ""
    pdq: str | Unset = ""
    hosting_country: str | Unset = ""
    hosting_ip: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        url: str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

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

        pdq: str | Unset
        if isinstance(self.pdq, Unset):
            pdq = UNSET
        else:
            pdq = self.pdq

        hosting_country: str | Unset
        if isinstance(self.hosting_country, Unset):
            hosting_country = UNSET
        else:
            hosting_country = self.hosting_country

        hosting_ip: str | Unset
        if isinstance(self.hosting_ip, Unset):
            hosting_ip = UNSET
        else:
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

        def _parse_url(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

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

        def _parse_pdq(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        pdq = _parse_pdq(d.pop("pdq", UNSET))

        def _parse_hosting_country(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        hosting_country = _parse_hosting_country(d.pop("hosting_country", UNSET))

        def _parse_hosting_ip(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        hosting_ip = _parse_hosting_ip(d.pop("hosting_ip", UNSET))

        item_input_request = cls(
            url=url,
            sha256=sha256,
            md5=md5,
            pdq=pdq,
            hosting_country=hosting_country,
            hosting_ip=hosting_ip,
        )

        return item_input_request
