"""Contains all the data models used in inputs/outputs"""

from .api_client import ApiClient
from .blank_enum import BlankEnum
from .bulk_import import BulkImport
from .bulk_import_input_request import BulkImportInputRequest
from .bulk_import_progress import BulkImportProgress
from .bulk_import_result import BulkImportResult
from .cannot_comply_input_request import CannotComplyInputRequest
from .cannot_comply_resolution_enum import CannotComplyResolutionEnum
from .case import Case
from .case_detail import CaseDetail
from .case_detail_participants_item import CaseDetailParticipantsItem
from .case_item import CaseItem
from .case_status_enum import CaseStatusEnum
from .clarification_input_request import ClarificationInputRequest
from .classification_enum import ClassificationEnum
from .deadline import Deadline
from .deadline_kind_enum import DeadlineKindEnum
from .deadline_state_enum import DeadlineStateEnum
from .delivery import Delivery
from .delivery_attempt import DeliveryAttempt
from .delivery_status_enum import DeliveryStatusEnum
from .event_order import EventOrder
from .event_text import EventText
from .format_enum import FormatEnum
from .ground_enum import GroundEnum
from .hash_list_action_enum import HashListActionEnum
from .hash_list_change import HashListChange
from .hash_list_page import HashListPage
from .hash_list_snapshot import HashListSnapshot
from .intake_result import IntakeResult
from .intake_result_counts import IntakeResultCounts
from .intake_result_items_item import IntakeResultItemsItem
from .item_input_request import ItemInputRequest
from .item_status_enum import ItemStatusEnum
from .objection_input_request import ObjectionInputRequest
from .order_event import OrderEvent
from .order_event_data import OrderEventData
from .order_event_type_enum import OrderEventTypeEnum
from .order_item import OrderItem
from .order_kind_enum import OrderKindEnum
from .order_status_enum import OrderStatusEnum
from .outcome_enum import OutcomeEnum
from .paginated_case_list import PaginatedCaseList
from .paginated_delivery_list import PaginatedDeliveryList
from .paginated_platform_order_list import PaginatedPlatformOrderList
from .paginated_public_key_list import PaginatedPublicKeyList
from .paginated_report_summary_list import PaginatedReportSummaryList
from .platform_order import PlatformOrder
from .problem import Problem
from .protected_source_input_request import ProtectedSourceInputRequest
from .public_key import PublicKey
from .purpose_enum import PurposeEnum
from .removal_request import RemovalRequest
from .removals_input_request import RemovalsInputRequest
from .report import Report
from .report_input_request import ReportInputRequest
from .report_line import ReportLine
from .report_line_case import ReportLineCase
from .report_summary import ReportSummary
from .resolution_enum import ResolutionEnum
from .sandbox_amend_input_request import SandboxAmendInputRequest
from .sandbox_answer_input_request import SandboxAnswerInputRequest
from .sandbox_cannot_comply_resolution_input_request import SandboxCannotComplyResolutionInputRequest
from .sandbox_objection_decision_input_request import SandboxObjectionDecisionInputRequest
from .sandbox_order_input_request import SandboxOrderInputRequest
from .sandbox_withdraw_input_request import SandboxWithdrawInputRequest
from .signature import Signature
from .signed_addressee import SignedAddressee
from .signed_authority import SignedAuthority
from .signed_payload import SignedPayload
from .signed_url import SignedUrl
from .source_enum import SourceEnum
from .test_event import TestEvent
from .test_event_data import TestEventData
from .test_event_type_enum import TestEventTypeEnum
from .thread_entry import ThreadEntry
from .thread_entry_kind_enum import ThreadEntryKindEnum
from .v1_cases_list_assignee import V1CasesListAssignee
from .v1_cases_list_status_item import V1CasesListStatusItem
from .v1_keys_list_purpose import V1KeysListPurpose
from .v1_platform_hashes_export_misp_json_retrieve_response_200 import V1PlatformHashesExportMispJsonRetrieveResponse200
from .v1_platform_hashes_export_stix_json_retrieve_response_200 import V1PlatformHashesExportStixJsonRetrieveResponse200
from .v1_platform_orders_list_kind import V1PlatformOrdersListKind
from .v1_platform_orders_list_status_item import V1PlatformOrdersListStatusItem
from .v1_platform_webhook_deliveries_list_status import V1PlatformWebhookDeliveriesListStatus
from .v1_platform_webhook_deliveries_list_type import V1PlatformWebhookDeliveriesListType
from .v1_platforms_compliance_retrieve_response_200 import V1PlatformsComplianceRetrieveResponse200
from .webhook import Webhook
from .webhook_event_enum import WebhookEventEnum
from .webhook_input_request import WebhookInputRequest

__all__ = (
    "ApiClient",
    "BlankEnum",
    "BulkImport",
    "BulkImportInputRequest",
    "BulkImportProgress",
    "BulkImportResult",
    "CannotComplyInputRequest",
    "CannotComplyResolutionEnum",
    "Case",
    "CaseDetail",
    "CaseDetailParticipantsItem",
    "CaseItem",
    "CaseStatusEnum",
    "ClarificationInputRequest",
    "ClassificationEnum",
    "Deadline",
    "DeadlineKindEnum",
    "DeadlineStateEnum",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryStatusEnum",
    "EventOrder",
    "EventText",
    "FormatEnum",
    "GroundEnum",
    "HashListActionEnum",
    "HashListChange",
    "HashListPage",
    "HashListSnapshot",
    "IntakeResult",
    "IntakeResultCounts",
    "IntakeResultItemsItem",
    "ItemInputRequest",
    "ItemStatusEnum",
    "ObjectionInputRequest",
    "OrderEvent",
    "OrderEventData",
    "OrderEventTypeEnum",
    "OrderItem",
    "OrderKindEnum",
    "OrderStatusEnum",
    "OutcomeEnum",
    "PaginatedCaseList",
    "PaginatedDeliveryList",
    "PaginatedPlatformOrderList",
    "PaginatedPublicKeyList",
    "PaginatedReportSummaryList",
    "PlatformOrder",
    "Problem",
    "ProtectedSourceInputRequest",
    "PublicKey",
    "PurposeEnum",
    "RemovalRequest",
    "RemovalsInputRequest",
    "Report",
    "ReportInputRequest",
    "ReportLine",
    "ReportLineCase",
    "ReportSummary",
    "ResolutionEnum",
    "SandboxAmendInputRequest",
    "SandboxAnswerInputRequest",
    "SandboxCannotComplyResolutionInputRequest",
    "SandboxObjectionDecisionInputRequest",
    "SandboxOrderInputRequest",
    "SandboxWithdrawInputRequest",
    "Signature",
    "SignedAddressee",
    "SignedAuthority",
    "SignedPayload",
    "SignedUrl",
    "SourceEnum",
    "TestEvent",
    "TestEventData",
    "TestEventTypeEnum",
    "ThreadEntry",
    "ThreadEntryKindEnum",
    "V1CasesListAssignee",
    "V1CasesListStatusItem",
    "V1KeysListPurpose",
    "V1PlatformHashesExportMispJsonRetrieveResponse200",
    "V1PlatformHashesExportStixJsonRetrieveResponse200",
    "V1PlatformOrdersListKind",
    "V1PlatformOrdersListStatusItem",
    "V1PlatformsComplianceRetrieveResponse200",
    "V1PlatformWebhookDeliveriesListStatus",
    "V1PlatformWebhookDeliveriesListType",
    "Webhook",
    "WebhookEventEnum",
    "WebhookInputRequest",
)
