"""Evidence uploads that never touch disk in clear.

A custom upload handler hashes (SHA-256, MD5) and encrypts each chunk as it arrives and
writes only ciphertext, through the storage API, under a server-generated name. Django's
default handlers would spool files over 2.5 MB to a temporary file in clear; the views
install this handler alone, before the request body is read.
"""

from __future__ import annotations

import io
import uuid
import warnings

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

from . import crypto
from .services import evidence_storage

# What evidence may be: (extension, MIME type sniffed from the content).
BINARY_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "mp4": "video/mp4",
    "webm": "video/webm",
}
TEXT_TYPES = {
    "txt": "text/plain",
    "log": "text/plain",
    "csv": "text/csv",
    "json": "application/json",
    "html": "text/html",
    "htm": "text/html",
    "warc": "application/warc",
}
SNIFF_BYTES = 8192


class RejectedUpload(Exception):
    """The file is refused: the message says why (type or size)."""


class EncryptedUpload(UploadedFile):
    """What the view gets instead of a file: where the ciphertext is, and its digests."""

    def __init__(self, *, name, content_type, size, file_id, storage_name, sealed, pdq):
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.file_id, self.storage_name, self.sealed, self.pdq = file_id, storage_name, sealed, pdq


def content_type_for(name: str, head: bytes) -> str:
    """The type, checked by content as well as by name; RejectedUpload when they disagree."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in BINARY_TYPES:
        kind = filetype.guess(head)
        expected = BINARY_TYPES[extension]
        if kind is None or kind.mime != expected:
            raise RejectedUpload(f"The content is not a {extension.upper()} file.")
        return expected
    if extension in TEXT_TYPES:
        if b"\x00" in head:
            raise RejectedUpload("A text file may not contain binary data.")
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if (
                exc.start < len(head) - 4
            ):  # a multi-byte character cut at the sniff boundary is fine
                raise RejectedUpload("A text file must be UTF-8.") from exc
        return TEXT_TYPES[extension]
    raise RejectedUpload(
        "Allowed types: "
        + ", ".join(sorted({*BINARY_TYPES, *TEXT_TYPES}))
        + f"; not {extension or 'no extension'}."
    )


class EncryptingUploadHandler(FileUploadHandler):
    """Encrypts the one file part named ``expected_field`` into storage.

    Every file it opens is listed in ``written``. The view calls ``keep()`` for the file
    a row took, then ``discard()`` whatever happened (a refusal, a CSRF failure after the
    body was read, an exception): nothing stays in storage without a row.
    """

    # Not "field_name": FileUploadHandler.new_file sets that to each part's own name.
    expected_field = "file"

    def __init__(self, request=None):
        super().__init__(request)
        self.errors: list[str] = []
        self.max_bytes = settings.EVIDENCE_MAX_UPLOAD_BYTES
        self.written: list[str] = []
        self._kept: set[str] = set()
        self._writer = None

    def new_file(
        self,
        field_name,
        file_name,
        content_type,
        content_length,
        charset=None,
        content_type_extra=None,
    ):
        super().new_file(
            field_name, file_name, content_type, content_length, charset, content_type_extra
        )
        if field_name != self.expected_field or self.written:
            self.errors.append("One evidence file per upload, in the field 'file'.")
            self.discard()  # a first file already written
            raise StopUpload(connection_reset=True)
        self.file_id = uuid.uuid4()
        self.storage_name = f"{self.file_id.hex}.tdev"  # never the client's name
        self.written.append(self.storage_name)  # listed before it exists: discard() finds it
        storage = evidence_storage()
        if hasattr(storage, "location"):
            import os

            os.makedirs(storage.location, exist_ok=True)
        self._sink = storage.open(self.storage_name, "wb")
        self._writer = crypto.EncryptingWriter(self.file_id, self._sink)
        self._head = bytearray()
        self._image = io.BytesIO() if _wants_pdq(file_name) else None
        self._received = 0
        self.sniffed_type = None

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > self.max_bytes:
            self.errors.append(f"The file is larger than {self.max_bytes // 2**20} MiB.")
            self._abort()
            raise StopUpload(connection_reset=True)
        if self.sniffed_type is None:
            self._head += raw_data[: SNIFF_BYTES - len(self._head)]
            if len(self._head) >= SNIFF_BYTES:
                self._sniff()
        if self._image is not None and self._image.tell() < 32 * 2**20:
            self._image.write(raw_data)  # memory only: for the perceptual hash
        self._writer.write(raw_data)
        return None  # consumed: no other handler sees the bytes

    def _sniff(self):
        try:
            self.sniffed_type = content_type_for(self.file_name, bytes(self._head))
        except RejectedUpload as exc:
            self.errors.append(str(exc))
            self._abort()
            raise StopUpload(connection_reset=False) from exc

    def file_complete(self, file_size):
        if self._writer is None:
            return None
        if self.sniffed_type is None:
            self._sniff()
        sealed = self._writer.close()
        self._sink.close()
        self._writer = None
        pixels = _pixels(self._image)
        if pixels > settings.EVIDENCE_MAX_IMAGE_PIXELS:
            # A few hundred KB can declare 9000 x 9000 pixels: ~2 GiB and seconds to
            # decode. Refused before anything decodes it, and nothing kept.
            self.errors.append(
                _(
                    "The image has %(mp).1f megapixels; at most %(max).1f are accepted. "
                    "Put it in a ZIP file to keep it as it is."
                )
                % {"mp": pixels / 1e6, "max": settings.EVIDENCE_MAX_IMAGE_PIXELS / 1e6}
            )
            self.discard()
            return None
        return EncryptedUpload(
            name=self.file_name,
            content_type=self.sniffed_type,
            size=sealed.size,
            file_id=self.file_id,
            storage_name=self.storage_name,
            sealed=sealed,
            pdq=_pdq(self._image),
        )

    def upload_interrupted(self):
        self._abort()

    def keep(self, upload: EncryptedUpload) -> None:
        """A row now holds this file: discard() leaves it."""
        self._kept.add(upload.storage_name)

    def discard(self) -> None:
        """Delete every file this handler wrote that no row took (see keep()), closing one
        still being written. Safe to call more than once."""
        if self._writer is not None:
            self._writer.abort()
            self._sink.close()
            self._writer = None
        storage = evidence_storage()
        for name in [name for name in self.written if name not in self._kept]:
            storage.delete(name)
            self.written.remove(name)

    def _abort(self):
        self.discard()


def _wants_pdq(name: str) -> bool:
    return name.rsplit(".", 1)[-1].lower() in ("png", "jpg", "jpeg", "gif", "webp")


def _pixels(image: io.BytesIO | None) -> int:
    """Width x height from the image's header, decoding nothing (0: not an image Pillow
    can read)."""
    if image is None:
        return 0
    try:
        from PIL import Image
    except ImportError:
        return 0
    try:
        image.seek(0)
        with warnings.catch_warnings():  # Pillow's own bomb warning: our cap is the rule
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            width, height = Image.open(image).size  # reads the header only
    except Exception:  # not an image Pillow reads: no pixel count, no PDQ hash
        return 0
    return width * height


def _pdq(image: io.BytesIO | None) -> str:
    """The PDQ perceptual hash, when the optional ``pdqhash`` extra is installed; best
    effort (an image Pillow cannot decode has none). Only called for images within
    EVIDENCE_MAX_IMAGE_PIXELS (``file_complete`` refuses larger ones)."""
    if image is None:
        return ""
    try:
        import numpy
        import pdqhash
        from PIL import Image
    except ImportError:
        return ""
    try:
        image.seek(0)
        pixels = numpy.asarray(Image.open(image).convert("RGB"))
        bits, _quality = pdqhash.compute(pixels)
    except Exception:  # an undecodable image has no perceptual hash; the file is kept
        return ""
    return f"{int(''.join(str(int(b)) for b in bits), 2):064x}"
