from enum import StrEnum


class V1CasesListAssignee(StrEnum):
    ME = "me"
    NONE = "none"

    def __str__(self) -> str:
        return str(self.value)
