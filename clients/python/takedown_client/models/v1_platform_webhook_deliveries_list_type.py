from enum import StrEnum


class V1PlatformWebhookDeliveriesListType(StrEnum):
    ORDER_AMENDED = "order.amended"
    ORDER_CANNOT_COMPLY_RESOLVED = "order.cannot_comply_resolved"
    ORDER_CLARIFICATION_ANSWERED = "order.clarification_answered"
    ORDER_ISSUED = "order.issued"
    ORDER_OBJECTION_DECIDED = "order.objection_decided"
    ORDER_UNSUSPENDED = "order.unsuspended"
    ORDER_WITHDRAWN = "order.withdrawn"
    WEBHOOK_TEST = "webhook.test"

    def __str__(self) -> str:
        return str(self.value)
