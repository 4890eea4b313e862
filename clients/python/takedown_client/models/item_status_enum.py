from enum import StrEnum


class ItemStatusEnum(StrEnum):
    DISABLED = "disabled"
    NOT_FOUND = "not_found"
    ONLINE = "online"
    REMOVED = "removed"
    VERIFIED_REMOVED = "verified_removed"

    def __str__(self) -> str:
        return str(self.value)
