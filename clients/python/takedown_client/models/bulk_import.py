from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.bulk_import_progress import BulkImportProgress
    from ..models.bulk_import_result import BulkImportResult


T = TypeVar("T", bound="BulkImport")


@_attrs_define
class BulkImport:
    """
    Attributes:
        id (UUID):
        status (str):
        file_name (str):
        row_count (int):
        progress (BulkImportProgress):
        result (BulkImportResult):
        report (int | None):
        created_at (datetime.datetime):
        finished_at (datetime.datetime | None):
    """

    id: UUID
    status: str
    file_name: str
    row_count: int
    progress: BulkImportProgress
    result: BulkImportResult
    report: int | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        status = self.status

        file_name = self.file_name

        row_count = self.row_count

        progress = self.progress.to_dict()

        result = self.result.to_dict()

        report: int | None
        report = self.report

        created_at = self.created_at.isoformat()

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "file_name": file_name,
                "row_count": row_count,
                "progress": progress,
                "result": result,
                "report": report,
                "created_at": created_at,
                "finished_at": finished_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bulk_import_progress import BulkImportProgress  # noqa: PLC0415
        from ..models.bulk_import_result import BulkImportResult  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        status = d.pop("status")

        file_name = d.pop("file_name")

        row_count = d.pop("row_count")

        progress = BulkImportProgress.from_dict(d.pop("progress"))

        result = BulkImportResult.from_dict(d.pop("result"))

        def _parse_report(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        report = _parse_report(d.pop("report"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        bulk_import = cls(
            id=id,
            status=status,
            file_name=file_name,
            row_count=row_count,
            progress=progress,
            result=result,
            report=report,
            created_at=created_at,
            finished_at=finished_at,
        )

        bulk_import.additional_properties = d
        return bulk_import

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
