from enum import StrEnum


class DeadlineStateEnum(StrEnum):
    CANCELLED = "cancelled"
    MET = "met"
    MISSED = "missed"
    OPEN = "open"
    PAUSED = "paused"

    def __str__(self) -> str:
        return str(self.value)
