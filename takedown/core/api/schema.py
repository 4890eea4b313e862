"""OpenAPI: every operation documents the problem documents it can answer with, so a
client generated from the schema knows every status code it will meet."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from .deprecation import deprecation_of


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem document; ``code`` is stable, ``errors`` holds field errors."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="Stable machine-readable error code.")
    errors = serializers.JSONField(
        required=False, help_text="Field errors, when the input was invalid."
    )

    class Meta:
        ref_name = "Problem"


class ProblemAutoSchema(AutoSchema):
    def is_deprecated(self) -> bool:
        return deprecation_of(self.view) is not None or super().is_deprecated()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in sorted(self._problem_codes()):
            responses.setdefault(
                str(code),
                self._get_response_for_code(
                    ProblemSerializer,
                    str(code),
                    media_types=["application/problem+json"],
                    direction=direction,
                ),
            )
        return responses

    def _problem_codes(self) -> set[int]:
        codes = {400, 404}  # invalid input or filters; unknown object or page cursor
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes |= {401, 403}
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes |= {409, 422}  # a state that forbids it; an Idempotency-Key reused
        if getattr(self.view, "throttle_classes", None):
            codes.add(429)
        return codes
