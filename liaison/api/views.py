from rest_framework import generics
from rest_framework.permissions import AllowAny

from liaison.models import AuthorityKey

from .serializers import PublicKeySerializer


class PublicKeyList(generics.ListAPIView):
    """Every authority's public keys, for verifying orders and sealed evidence offline.
    Public: a public key is meant to be published."""

    serializer_class = PublicKeySerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    queryset = AuthorityKey.objects.select_related("authority").order_by("authority_id", "-valid_from")
    filterset_fields = ["purpose", "authority"]
