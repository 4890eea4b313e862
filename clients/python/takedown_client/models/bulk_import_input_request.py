from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from .. import types
from ..models.source_enum import SourceEnum
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="BulkImportInputRequest")


@_attrs_define
class BulkImportInputRequest:
    """
    Attributes:
        file (File):
        source (SourceEnum): * `hotline` - Hotline
            * `platform_self_report` - Platform self-report
            * `law_enforcement` - Law-enforcement referral
            * `public` - Public
        reporting_jurisdiction (str | Unset): The sender's own jurisdiction (a partner's, or a platform's establishment
            or legal representative); another one is refused. Optional when the sender has one. Default: ''.
        acute (bool | Unset):  Default: False.
        summary (str | Unset):  Default: ''.
    """

    file: File
    source: SourceEnum
    reporting_jurisdiction: str | Unset = ""
    acute: bool | Unset = False
    summary: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        source = self.source.value

        reporting_jurisdiction: str | Unset
        if isinstance(self.reporting_jurisdiction, Unset):
            reporting_jurisdiction = UNSET
        else:
            reporting_jurisdiction = self.reporting_jurisdiction

        acute = self.acute

        summary = self.summary

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "file": file,
                "source": source,
            }
        )
        if reporting_jurisdiction is not UNSET:
            field_dict["reporting_jurisdiction"] = reporting_jurisdiction
        if acute is not UNSET:
            field_dict["acute"] = acute
        if summary is not UNSET:
            field_dict["summary"] = summary

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        files.append(("source", (None, str(self.source.value).encode(), "text/plain")))

        if not isinstance(self.reporting_jurisdiction, Unset):
            if isinstance(self.reporting_jurisdiction, str):
                files.append(
                    ("reporting_jurisdiction", (None, str(self.reporting_jurisdiction).encode(), "text/plain"))
                )

        if not isinstance(self.acute, Unset):
            files.append(("acute", (None, str(self.acute).encode(), "text/plain")))

        if not isinstance(self.summary, Unset):
            files.append(("summary", (None, str(self.summary).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        source = SourceEnum(d.pop("source"))

        def _parse_reporting_jurisdiction(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        reporting_jurisdiction = _parse_reporting_jurisdiction(d.pop("reporting_jurisdiction", UNSET))

        acute = d.pop("acute", UNSET)

        summary = d.pop("summary", UNSET)

        bulk_import_input_request = cls(
            file=file,
            source=source,
            reporting_jurisdiction=reporting_jurisdiction,
            acute=acute,
            summary=summary,
        )

        return bulk_import_input_request
