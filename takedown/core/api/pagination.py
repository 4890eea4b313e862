"""The API's keyset pagination (takedown/core/keyset.py): ``?after=<cursor>`` continues
after the last row of the page before; ``next`` is the URL of the following page."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination, CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from takedown.core import keyset


class KeysetPagination(BasePagination):
    page_size = 50

    def paginate_queryset(self, queryset, request, view=None):
        rows, self.next_cursor = keyset.page(
            queryset, view.keyset, after=request.query_params.get("after"), size=self.page_size
        )
        self.request = request
        return rows

    def get_next_link(self) -> str | None:
        if self.next_cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), "after", self.next_cursor)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": ["string", "null"], "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "after",
                "required": False,
                "in": "query",
                "description": "The cursor of the next page (from `next`).",
                "schema": {"type": "string"},
            }
        ]


class OpenApi31Links:
    """DRF's page schema in OpenAPI 3.1 terms: 3.1 has no ``nullable``, null is a type."""

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            field = described["properties"][link]
            field.pop("example", None)  # DRF's, of a site that is not this one
            if field.pop("nullable", False):
                field["type"] = [field["type"], "null"]
        return described


class PageNumbers(OpenApi31Links, PageNumberPagination):
    """The default for lists without an order of their own (the public keys)."""


class NewestFirst(OpenApi31Links, CursorPagination):
    """DRF's cursor pagination, newest first by ``ordering`` (set per list), where a
    cursor that does not decode is the client's error (400 ``validation_failed``), not a
    missing page."""

    page_size = 50

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: [str(exc.detail)]}) from exc

    def paginate_queryset(self, queryset, request, view=None):
        # A cursor that decodes but whose position is not a value of the ordering's
        # column (``p=x`` for a time) fails only in the query: still the client's error.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, TypeError) as exc:
            raise ValidationError({self.cursor_query_param: [_("Invalid cursor")]}) from exc


def newest_first(*ordering: str) -> type[NewestFirst]:
    return type("NewestFirst", (NewestFirst,), {"ordering": ordering})
