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


class ApiClientSerializer(serializers.Serializer):
    kind = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    jurisdiction = serializers.SerializerMethodField()
    key_name = serializers.CharField(source="key.name")
    key_prefix = serializers.CharField(source="key.prefix")
    key_expires = serializers.DateTimeField(source="key.expiry_date", allow_null=True)

    def get_kind(self, client) -> str:
        return "platform" if client.platform is not None else "partner"

    def get_name(self, client) -> str:
        return str(client.key.owner.name)

    def get_jurisdiction(self, client) -> str:
        owner = client.key.owner
        return owner.establishment_jurisdiction_id if client.platform else owner.jurisdiction_id
