from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from liaison.models import AuthorityKey
from takedown.core.filtersets import IntegerFilter, StrictFilterSet

from .permissions import IsIntakeClient
from .serializers import ApiClientSerializer, PublicKeySerializer
from .throttling import ClientThrottle


class PublicKeyFilter(StrictFilterSet):
    # An id, not a choice: an authority with no keys (or none at all) is an empty list.
    authority = IntegerFilter(field_name="authority_id")

    class Meta:
        model = AuthorityKey
        fields = ["purpose", "authority"]


class PublicKeyList(generics.ListAPIView):
    """Every authority's public keys, for verifying orders and sealed evidence offline.
    Public: a public key is meant to be published."""

    serializer_class = PublicKeySerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    queryset = AuthorityKey.objects.select_related("authority").order_by(
        "authority_id", "-valid_from"
    )
    filterset_class = PublicKeyFilter


class WhoAmI(generics.GenericAPIView):
    """The API client behind the presented key: lets an integrator check its key."""

    permission_classes = [IsIntakeClient]
    throttle_classes = [ClientThrottle]
    serializer_class = ApiClientSerializer

    def get(self, request):
        return Response(self.get_serializer(request.user).data)
