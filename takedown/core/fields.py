from django.db import models

from .crypto import decrypt_secret, encrypt_secret


class EncryptedTextField(models.TextField):
    """Text stored encrypted under the KEK; the model and field name are the context,
    so a value copied into another field or table does not decrypt."""

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.crypto_context = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt_secret(value, context=self.crypto_context).decode()

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt_secret(value, context=self.crypto_context)
