from enum import StrEnum


class ThreadEntryKindEnum(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    CANNOT_COMPLY = "cannot_comply"
    CLARIFICATION = "clarification"
    OBJECTION = "objection"
    OUTCOME = "outcome"

    def __str__(self) -> str:
        return str(self.value)
