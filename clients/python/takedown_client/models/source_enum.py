from enum import StrEnum


class SourceEnum(StrEnum):
    HOTLINE = "hotline"
    LAW_ENFORCEMENT = "law_enforcement"
    PLATFORM_SELF_REPORT = "platform_self_report"
    PUBLIC = "public"

    def __str__(self) -> str:
        return str(self.value)
