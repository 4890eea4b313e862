from enum import StrEnum


class V1PlatformOrdersListKind(StrEnum):
    NOTICE = "notice"
    ORDER = "order"

    def __str__(self) -> str:
        return str(self.value)
