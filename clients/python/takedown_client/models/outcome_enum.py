from enum import StrEnum


class OutcomeEnum(StrEnum):
    DISABLED = "disabled"
    NOT_FOUND = "not_found"
    REMOVED = "removed"

    def __str__(self) -> str:
        return str(self.value)
