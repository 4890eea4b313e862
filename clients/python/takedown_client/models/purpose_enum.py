from enum import StrEnum


class PurposeEnum(StrEnum):
    ENCRYPTION = "encryption"
    SIGNING = "signing"

    def __str__(self) -> str:
        return str(self.value)
