"""Key-encryption helpers.

Secrets the system must *use* (webhook signing secrets, TOTP seeds, authority private
keys, evidence data keys) are stored encrypted with AES-256-GCM under a key-encryption
key (KEK) from the environment. Each token names the KEK it was made with, so KEKs
rotate: the first configured KEK encrypts, every configured KEK decrypts.

Token format: ``kek1.<kid>.<base64url(nonce || ciphertext+tag)>``; the caller's
``context`` is the associated data, so a token cannot be moved to another field.
Secrets the system only *checks* (passwords, API keys) are hashed elsewhere, never here.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

TOKEN_VERSION = "kek1"  # noqa: S105 (a format tag, not a secret)


class DecryptionError(Exception):
    """A token that does not decrypt: wrong key, wrong context or tampered."""


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_kek_spec(kid: str) -> str:
    """A new ``kid:key`` entry for ``TAKEDOWN_KEKS``."""
    return f"{kid}:{b64e(os.urandom(32))}"


@dataclass(frozen=True)
class KeyRing:
    current_kid: str
    keys: dict[str, bytes]

    @classmethod
    def parse(cls, spec: str) -> KeyRing:
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for entry in filter(None, (part.strip() for part in spec.split(","))):
            kid, sep, material = entry.partition(":")
            if not sep or not kid.isidentifier():
                raise ImproperlyConfigured("TAKEDOWN_KEKS entries look like 'kid:base64key'.")
            key = b64d(material)
            if len(key) != 32:
                raise ImproperlyConfigured(f"KEK {kid!r} must be 32 bytes (base64url).")
            keys[kid] = key
            order.append(kid)
        if not order:
            raise ImproperlyConfigured("TAKEDOWN_KEKS is not set: no key-encryption key.")
        return cls(current_kid=order[0], keys=keys)

    def encrypt(self, plaintext: bytes, *, context: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self.keys[self.current_kid]).encrypt(nonce, plaintext, context.encode())
        return f"{TOKEN_VERSION}.{self.current_kid}.{b64e(nonce + sealed)}"

    def decrypt(self, token: str, *, context: str) -> bytes:
        try:
            version, kid, body = token.split(".", 2)
        except ValueError as exc:
            raise DecryptionError("Malformed token.") from exc
        if version != TOKEN_VERSION or kid not in self.keys:
            raise DecryptionError(f"No key-encryption key {kid!r} is configured.")
        raw = b64d(body)
        try:
            return AESGCM(self.keys[kid]).decrypt(raw[:12], raw[12:], context.encode())
        except Exception as exc:  # InvalidTag: wrong key, context or tampering
            raise DecryptionError("Token does not decrypt under its key.") from exc

    def kid_of(self, token: str) -> str:
        return token.split(".", 2)[1]


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    return KeyRing.parse(settings.TAKEDOWN_KEKS)


@receiver(setting_changed)
def _reset_keyring(*, setting, **_kwargs):
    if setting == "TAKEDOWN_KEKS":
        keyring.cache_clear()


def encrypt_secret(plaintext: bytes | str, *, context: str) -> str:
    if isinstance(plaintext, str):
        plaintext = plaintext.encode()
    return keyring().encrypt(plaintext, context=context)


def decrypt_secret(token: str, *, context: str) -> bytes:
    return keyring().decrypt(token, context=context)


def needs_rewrap(token: str) -> bool:
    return keyring().kid_of(token) != keyring().current_kid


def rewrap(token: str, *, context: str) -> str:
    """The same secret under the current KEK (key rotation)."""
    return encrypt_secret(decrypt_secret(token, context=context), context=context)
