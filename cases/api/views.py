from django.db.models import Count, Prefetch
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.access import cases_for, imports_for_submitter, is_officer, reports_for_client
from cases.choices import ReportSource
from cases.figures import platform_compliance
from cases.filtersets import CaseFilterSet, queue_params
from cases.models import BulkImport, Report, ReportItem
from cases.selectors import QUEUE_KEYS, case_queue
from cases.services.bulk import bulk_import_create, import_progress
from cases.services.intake import ItemInput, ReportInput, SourceIdentity, report_submit
from cases.submitters import Submitter
from liaison.api.authentication import ApiClient
from liaison.api.permissions import IsIntakeClient
from liaison.api.throttling import PartnerThrottle
from liaison.models import Platform
from takedown.core.api.idempotency import IDEMPOTENCY_HEADER, idempotent
from takedown.core.api.pagination import KeysetPagination, newest_first
from takedown.core.api.parsers import StrictJSONParser
from takedown.core.choices import STAFF_ROLES
from takedown.core.errors import ValidationFailed

from .serializers import (
    BulkImportInputSerializer,
    BulkImportSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    IntakeResultSerializer,
    ReportInputSerializer,
    ReportSerializer,
    ReportSummarySerializer,
)


def submitter_of(client: ApiClient) -> Submitter:
    """The domain's view of the key's owner: services never see the transport."""
    return Submitter(partner=client.partner, platform=client.platform, api_key=client.key)


class ReportListCreate(generics.GenericAPIView):
    """Submit a report (hotlines, intake partners, platforms' self-reports) and follow
    your own reports."""

    permission_classes = [IsIntakeClient]
    throttle_classes = [PartnerThrottle]
    pagination_class = newest_first("-received_at", "-id")
    parser_classes = [StrictJSONParser]

    def get_serializer_class(self):
        return ReportInputSerializer if self.request.method == "POST" else ReportSummarySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Report.objects.none()
        return reports_for_client(submitter_of(self.request.user)).annotate(
            item_count=Count("lines")
        )

    @extend_schema(responses=ReportSummarySerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ReportSummarySerializer(page, many=True).data)

    @extend_schema(
        request=ReportInputSerializer,
        responses={201: IntakeResultSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request):
        client: ApiClient = request.user
        return idempotent(
            request, owner=client.owner_label, handler=lambda: self._create(request, client)
        )

    def _create(self, request, client: ApiClient) -> Response:
        serializer = ReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        source = (
            ReportSource.PLATFORM_SELF_REPORT if client.platform is not None else data.get("source")
        )
        if source is None:
            raise ValidationFailed(fields={"source": ["This field is required."]})
        result = report_submit(
            data=ReportInput(
                source=source,
                reporting_jurisdiction=data["reporting_jurisdiction"],
                acute=data["acute"],
                summary=data["summary"],
                external_reference=data["external_reference"],
                items=[ItemInput(**item) for item in data["items"]],
                protected_source=SourceIdentity(**data["protected_source"])
                if "protected_source" in data
                else None,
            ),
            submitter=submitter_of(client),
        )
        return Response(IntakeResultSerializer(result).data, status=status.HTTP_201_CREATED)


class ReportDetail(generics.RetrieveAPIView):
    permission_classes = [IsIntakeClient]
    throttle_classes = [PartnerThrottle]
    serializer_class = ReportSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        lines = ReportItem.objects.select_related("item__case__lead_desk__authority").order_by(
            "position"
        )
        return reports_for_client(submitter_of(self.request.user)).prefetch_related(
            Prefetch("lines", queryset=lines)
        )


class BulkImportCreate(APIView):
    """Upload a CSV (header row: url, sha256, md5, pdq, hosting_country, hosting_ip).
    The whole file is imported or nothing is; large files are imported in the background."""

    permission_classes = [IsIntakeClient]
    throttle_classes = [PartnerThrottle]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": BulkImportInputSerializer},
        responses={202: BulkImportSerializer, 201: BulkImportSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request):
        client: ApiClient = request.user
        return idempotent(
            request, owner=client.owner_label, handler=lambda: self._create(request, client)
        )

    def _create(self, request, client: ApiClient) -> Response:
        serializer = BulkImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        job = bulk_import_create(
            data=upload.read(),
            file_name=upload.name or "",
            source=ReportSource.PLATFORM_SELF_REPORT
            if client.platform is not None
            else data["source"],
            reporting_jurisdiction=data["reporting_jurisdiction"],
            acute=data["acute"],
            summary=data["summary"],
            submitter=submitter_of(client),
        )
        body = BulkImportSerializer(_with_progress(job)).data
        return Response(
            body, status=status.HTTP_201_CREATED if job.finished_at else status.HTTP_202_ACCEPTED
        )


def _with_progress(job: BulkImport) -> BulkImport:
    job.progress = import_progress(job)
    return job


class BulkImportDetail(APIView):
    permission_classes = [IsIntakeClient]
    throttle_classes = [PartnerThrottle]

    @extend_schema(responses=BulkImportSerializer)
    def get(self, request, pk):
        job = imports_for_submitter(submitter_of(request.user)).filter(pk=pk).first()
        if job is None:
            raise Http404
        return Response(BulkImportSerializer(_with_progress(job)).data)


class IsOfficer(BasePermission):
    message = "Cases are for liaison officers."

    def has_permission(self, request, view) -> bool:
        return is_officer(request.user)


class QueueFilterBackend(DjangoFilterBackend):
    """The triage queue's FilterSet with the queue's defaults (open cases)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["data"] = queue_params(request.query_params)
        return kwargs


class CaseList(generics.ListAPIView):
    """The triage queue of your desks: the same cases, defaults, filters and order as
    the page (acute first, then by time left), a page of 50 at a time (``next``)."""

    permission_classes = [IsAuthenticated, IsOfficer]
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    filter_backends = [QueueFilterBackend]
    pagination_class = KeysetPagination
    keyset = QUEUE_KEYS

    def get_queryset(self):
        return case_queue(self.request.user)


class CaseDetail(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated, IsOfficer]
    serializer_class = CaseDetailSerializer
    lookup_field = "reference"

    def get_queryset(self):
        return (
            cases_for(self.request.user)
            .select_related("lead_desk__authority", "assignee", "merged_into")
            .prefetch_related("items__platform")
        )


class PlatformCompliance(APIView):
    """A platform's compliance figures: staff see any platform's, a platform its own."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request, slug):
        platform = Platform.objects.filter(slug=slug).first()
        client = request.user
        allowed = (
            client.platform == platform
            if isinstance(client, ApiClient)
            else any(client.has_role(role) for role in STAFF_ROLES)
        )
        if platform is None or not allowed:
            raise Http404
        return Response(platform_compliance(platform))
