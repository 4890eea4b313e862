"""The platform API: a platform's key sees its own orders and nothing else (another
platform's order is a 404), acknowledges, reports removals, stops the clock with a
question or a cannot-comply report, and objects."""

from datetime import UTC

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Max, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from cases import hashlist_formats
from cases.access import hash_list, orders_for_platform
from cases.choices import NETWORK_WIDE, HashListAction, OrderKind, OrderStatus
from cases.models import PlatformResponse, TakedownOrder
from cases.selectors import changed_at_of, order_changed_at
from cases.services import orders
from liaison.api.authentication import ApiClient
from liaison.api.permissions import PlatformView
from takedown.core.api.idempotency import idempotent
from takedown.core.api.inputs import has_offset
from takedown.core.api.pagination import newest_first
from takedown.core.api.parsers import StrictJSONParser
from takedown.core.filtersets import StrictFilterSet

from .platform_serializers import (
    CannotComplyInputSerializer,
    ClarificationInputSerializer,
    HashListExportQuerySerializer,
    HashListPageSerializer,
    HashListQuerySerializer,
    HashListSnapshotQuerySerializer,
    HashListSnapshotSerializer,
    ObjectionInputSerializer,
    PlatformOrderSerializer,
    RemovalsInputSerializer,
    SandboxOrderInputSerializer,
)
from .views import IDEMPOTENCY_HEADER


class AwareIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time with its offset; without one it could be any zone's."""

    def to_python(self, value):
        text = (value or "").strip()
        if text and not has_offset(text):
            raise DjangoValidationError(
                _("Give the time with its offset, e.g. 2026-12-01T09:30:00Z."), code="naive"
            )
        parsed = super().to_python(value)
        if parsed is None:
            return parsed
        # In UTC: an offset Python accepts (up to ±23:59) may be one the database refuses.
        try:
            return parsed.astimezone(UTC)
        except OverflowError as exc:
            raise DjangoValidationError(_("That time is out of range."), code="invalid") from exc


class AwareIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = AwareIsoDateTimeField


class OrderFilter(StrictFilterSet):
    status = filters.MultipleChoiceFilter(choices=OrderStatus.choices)
    kind = filters.ChoiceFilter(choices=OrderKind.choices)
    updated_since = AwareIsoDateTimeFilter(
        field_name="changed_at",
        lookup_expr="gt",
        help_text="The changes feed: only orders whose status, answers or amendments "
        "changed after this time (ISO 8601 with offset). Poll with the largest "
        "`changed_at` you have seen.",
    )

    class Meta:
        model = TakedownOrder
        fields = ["status", "kind", "updated_since"]


# What a platform's view of an order reads beside the order row.
ORDER_RELATIONS = (
    "items",
    "deadlines",
    Prefetch("responses", queryset=PlatformResponse.objects.order_by("created_at", "id")),
)


def platform_orders(client: ApiClient):
    return (
        orders_for_platform(client.platform)
        .annotate(changed_at=order_changed_at())
        .select_related("issuing_authority", "supersedes")
        .prefetch_related(*ORDER_RELATIONS)
    )


def order_answer(client: ApiClient, pk: int) -> dict:
    """One order as the platform now sees it: the answer to each of its actions."""
    order = (
        orders_for_platform(client.platform)
        .select_related("issuing_authority", "supersedes")
        .prefetch_related(*ORDER_RELATIONS)
        .get(pk=pk)
    )
    order.changed_at = changed_at_of(order)
    return PlatformOrderSerializer(order).data


class OrderList(PlatformView, generics.ListAPIView):
    """Your orders, newest first (cursor pagination)."""

    serializer_class = PlatformOrderSerializer
    pagination_class = newest_first("-issued_at", "-id")
    filterset_class = OrderFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TakedownOrder.objects.none()
        return platform_orders(self.request.user)


class OrderDetail(PlatformView, generics.RetrieveAPIView):
    serializer_class = PlatformOrderSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TakedownOrder.objects.none()
        return platform_orders(self.request.user)


class OrderAction(PlatformView, APIView):
    """A POST on one order: idempotent with Idempotency-Key; the order as it now is."""

    parser_classes = [StrictJSONParser]
    input_serializer = None

    def post(self, request, pk):
        client: ApiClient = request.user
        return idempotent(
            request, owner=client.owner_label, handler=lambda: self._act(request, client, pk)
        )

    def orders_of(self, client):
        """The orders this action may act on (the bare rows: the service locks and reads
        what it needs, and the answer is read afresh)."""
        return orders_for_platform(client.platform)

    def _act(self, request, client, pk):
        order = get_object_or_404(self.orders_of(client), pk=pk)
        body = request.data  # parsed (and refused if malformed) even where it is not used
        data = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=body)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        result = self.perform(order, client.platform, data)
        pk = result.pk if isinstance(result, TakedownOrder) else order.pk
        return Response(order_answer(client, pk), status=self.success_status)

    success_status = status.HTTP_200_OK


def _post_schema(request=None, summary=""):
    return extend_schema(
        request=request,
        responses={200: PlatformOrderSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        summary=summary,
    )


class Acknowledge(OrderAction):
    @_post_schema(summary="Record receipt of the order")
    def post(self, request, pk):
        return super().post(request, pk)

    def perform(self, order, platform, data):
        return orders.order_acknowledge(order=order, platform=platform)


class Removals(OrderAction):
    input_serializer = RemovalsInputSerializer

    @_post_schema(
        RemovalsInputSerializer,
        "Report per item: removed, disabled in listed jurisdictions, or not found",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def perform(self, order, platform, data):
        return orders.order_report_removals(
            order=order,
            platform=platform,
            removals=[
                orders.RemovalInput(
                    item_id=r["item"],
                    outcome=r["outcome"],
                    happened_at=r["happened_at"],
                    jurisdictions=tuple(r["jurisdictions"]),
                )
                for r in data["removals"]
            ],
        )


class CannotComply(OrderAction):
    input_serializer = CannotComplyInputSerializer
    success_status = status.HTTP_201_CREATED

    @extend_schema(
        request=CannotComplyInputSerializer,
        responses={201: PlatformOrderSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        summary="Report that you cannot comply (Annex III); stops the clock",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def perform(self, order, platform, data):
        return orders.order_cannot_comply(
            order=order, platform=platform, ground=data["ground"], explanation=data["explanation"]
        )


class Clarification(OrderAction):
    input_serializer = ClarificationInputSerializer
    success_status = status.HTTP_201_CREATED

    @extend_schema(
        request=ClarificationInputSerializer,
        responses={201: PlatformOrderSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        summary="Ask a question; stops the clock until answered",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def perform(self, order, platform, data):
        question = orders.order_ask_clarification(
            order=order, platform=platform, question=data["question"]
        )
        orders.sandbox_answer_later(response=question)  # a sandbox order answers by itself
        return question


class Objection(OrderAction):
    input_serializer = ObjectionInputSerializer
    success_status = status.HTTP_201_CREATED

    @extend_schema(
        request=ObjectionInputSerializer,
        responses={201: PlatformOrderSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        summary="Contest the order on legal grounds (does not stop the clock)",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def perform(self, order, platform, data):
        return orders.order_object(order=order, platform=platform, grounds=data["grounds"])


class SandboxOrders(PlatformView, APIView):
    """Create a test order for your platform, signed with a sandbox key and never counted."""

    parser_classes = [StrictJSONParser]

    @extend_schema(
        request=SandboxOrderInputSerializer,
        responses={201: PlatformOrderSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request):
        client: ApiClient = request.user
        return idempotent(
            request, owner=client.owner_label, handler=lambda: self._create(request, client)
        )

    def _create(self, request, client):
        serializer = SandboxOrderInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = orders.sandbox_order_create(
            platform=client.platform, item_count=serializer.validated_data["items"]
        )
        return Response(order_answer(client, order.pk), status=status.HTTP_201_CREATED)


def _hash_scope(query: dict) -> str:
    return (query.get("jurisdiction") or NETWORK_WIDE).upper()


class HashListChanges(PlatformView, APIView):
    """The stay-down hash list: what was added to it or withdrawn from it since your
    checkpoint, oldest first. Pull until `more` is false, keep the last `checkpoint`."""

    @extend_schema(parameters=[HashListQuerySerializer], responses=HashListPageSerializer)
    def get(self, request):
        query = HashListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since, limit = int(query.validated_data.get("since") or 0), query.validated_data["limit"]
        rows = list(hash_list(_hash_scope(query.validated_data)).filter(id__gt=since)[: limit + 1])
        page = rows[:limit]
        checkpoint = str(page[-1].pk if page else since)
        body = {"changes": page, "checkpoint": checkpoint, "more": len(rows) > limit}
        return Response(HashListPageSerializer(body).data)


class HashListSnapshot(PlatformView, APIView):
    """The stay-down hash list as it stands: every entry on it, a page at a time. Start
    pulling changes from the `checkpoint` of its first page."""

    @extend_schema(
        parameters=[HashListSnapshotQuerySerializer], responses=HashListSnapshotSerializer
    )
    def get(self, request):
        query = HashListSnapshotQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after, limit = int(query.validated_data.get("after") or 0), query.validated_data["limit"]
        scoped = hash_list(_hash_scope(query.validated_data))
        checkpoint = scoped.aggregate(last=Max("id"))["last"] or 0
        rows = list(
            scoped.filter(current=True, action=HashListAction.ADDED, id__gt=after)[: limit + 1]
        )
        page = rows[:limit]
        more = len(rows) > limit
        next_link = (
            replace_query_param(request.build_absolute_uri(), "after", page[-1].pk)
            if more
            else None
        )
        body = {"entries": page, "checkpoint": str(checkpoint), "next": next_link}
        return Response(HashListSnapshotSerializer(body).data)


class HashListExport(PlatformView, APIView):
    """The stay-down hash list as it stands, whole, in a format other tools read."""

    media_type = "application/json"
    flavour = ""

    def get(self, request):
        query = HashListExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope = _hash_scope(query.validated_data)
        entries = hash_list(scope).filter(current=True, action=HashListAction.ADDED)
        now = timezone.now()
        if self.flavour == "csv":
            body = hashlist_formats.as_csv(entries)
        elif self.flavour == "stix":
            body = hashlist_formats.as_stix(entries, scope=scope, now=now)
        else:
            body = hashlist_formats.as_misp(entries, scope=scope, now=now)
        return HttpResponse(body, content_type=f"{self.media_type}; charset=utf-8")


@extend_schema(
    parameters=[HashListExportQuerySerializer],
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class HashListCsv(HashListExport):
    """The list as CSV: sha256, md5, pdq, classification, illegal_in, first_seen."""

    media_type, flavour = "text/csv", "csv"


@extend_schema(parameters=[HashListExportQuerySerializer], responses={200: OpenApiTypes.OBJECT})
class HashListStix(HashListExport):
    """The list as a STIX 2.1 bundle: one file-hash indicator per entry."""

    flavour = "stix"


@extend_schema(parameters=[HashListExportQuerySerializer], responses={200: OpenApiTypes.OBJECT})
class HashListMisp(HashListExport):
    """The list as one MISP event (JSON): its attributes are the hashes."""

    flavour = "misp"
