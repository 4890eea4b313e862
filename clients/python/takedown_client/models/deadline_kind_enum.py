from enum import StrEnum


class DeadlineKindEnum(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    ASSESSMENT = "assessment"
    FINAL_ORDER = "final_order"
    JOIN_DECISION = "join_decision"
    MLA_RESPONSE = "mla_response"
    REMOVAL = "removal"
    VERIFICATION = "verification"

    def __str__(self) -> str:
        return str(self.value)
