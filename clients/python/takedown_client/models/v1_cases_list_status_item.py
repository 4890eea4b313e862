from enum import StrEnum


class V1CasesListStatusItem(StrEnum):
    ACTION = "action"
    ASSESSED = "assessed"
    CLOSED = "closed"
    MERGED = "merged"
    NEW = "new"
    NOT_ILLEGAL = "not_illegal"
    RESOLVED = "resolved"
    TRIAGE = "triage"

    def __str__(self) -> str:
        return str(self.value)
