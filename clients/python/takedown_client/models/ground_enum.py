from enum import StrEnum


class GroundEnum(StrEnum):
    DE_FACTO_IMPOSSIBILITY = "de_facto_impossibility"
    FORCE_MAJEURE = "force_majeure"
    INSUFFICIENT_INFORMATION = "insufficient_information"
    MANIFEST_ERROR = "manifest_error"

    def __str__(self) -> str:
        return str(self.value)
