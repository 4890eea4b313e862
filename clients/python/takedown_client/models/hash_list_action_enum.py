from enum import StrEnum


class HashListActionEnum(StrEnum):
    ADDED = "added"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
