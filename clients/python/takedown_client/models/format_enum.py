from enum import StrEnum


class FormatEnum(StrEnum):
    TAKEDOWN_REMOVAL_ORDER = "takedown-removal-order"

    def __str__(self) -> str:
        return str(self.value)
