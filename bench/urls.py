"""The product's URLs plus ``bench/bare-write/<pk>/``: the baseline of ``python -m bench
acknowledge``, a DRF view with the platform API's authentication (Bearer key) and
permission that does one indexed write (an UPDATE by primary key, autocommit) and answers
a small JSON body. Served only by ``bench.settings``."""

from django.db import connection
from django.urls import include, path
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from liaison.api.permissions import IsPlatformClient

BARE_TABLE = "bench_bare_write"


class BareWrite(APIView):
    permission_classes = [IsPlatformClient]
    throttle_classes = []

    def post(self, request, pk):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {BARE_TABLE} SET hits = hits + 1, touched_at = clock_timestamp() "
                "WHERE id = %s",
                [pk],
            )
            if cursor.rowcount != 1:
                raise NotFound()
        return Response({"id": pk, "written": True})


urlpatterns = [
    path("bench/bare-write/<int:pk>/", BareWrite.as_view(), name="bench-bare-write"),
    path("", include("takedown.urls")),
]
