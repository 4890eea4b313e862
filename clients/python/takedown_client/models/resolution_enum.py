from enum import StrEnum


class ResolutionEnum(StrEnum):
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    UPHELD = "upheld"

    def __str__(self) -> str:
        return str(self.value)
