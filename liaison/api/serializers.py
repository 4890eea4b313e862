from rest_framework import serializers

from liaison.models import AuthorityKey


class PublicKeySerializer(serializers.ModelSerializer):
    authority = serializers.CharField(source="authority.name")
    jurisdiction = serializers.CharField(source="authority.jurisdiction_id")
    algorithm = serializers.SerializerMethodField()

    class Meta:
        model = AuthorityKey
        fields = [
            "key_id",
            "authority",
            "jurisdiction",
            "purpose",
            "algorithm",
            "public_key",
            "valid_from",
            "valid_until",
            "revoked_at",
            "is_sandbox",
        ]

    def get_algorithm(self, key: AuthorityKey) -> str:
        return "Ed25519" if key.purpose == "signing" else "X25519"
