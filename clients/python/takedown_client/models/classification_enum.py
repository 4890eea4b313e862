from enum import StrEnum


class ClassificationEnum(StrEnum):
    ILLEGAL_ALL = "illegal_all"
    ILLEGAL_NONE = "illegal_none"
    ILLEGAL_SOME = "illegal_some"

    def __str__(self) -> str:
        return str(self.value)
