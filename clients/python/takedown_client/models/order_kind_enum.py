from enum import StrEnum


class OrderKindEnum(StrEnum):
    NOTICE = "notice"
    ORDER = "order"

    def __str__(self) -> str:
        return str(self.value)
