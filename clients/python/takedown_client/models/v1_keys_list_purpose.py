from enum import StrEnum


class V1KeysListPurpose(StrEnum):
    ENCRYPTION = "encryption"
    SIGNING = "signing"

    def __str__(self) -> str:
        return str(self.value)
