from enum import StrEnum


class V1PlatformOrdersListStatusItem(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    CANNOT_COMPLY = "cannot_comply"
    COMPLETED = "completed"
    ISSUED = "issued"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
