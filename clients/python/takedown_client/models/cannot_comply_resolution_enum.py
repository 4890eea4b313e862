from enum import StrEnum


class CannotComplyResolutionEnum(StrEnum):
    MAINTAIN = "maintain"
    WITHDRAW = "withdraw"

    def __str__(self) -> str:
        return str(self.value)
