"""Photo evidence: every uploaded image is decoded, re-encoded and stored without metadata.

A phone photo carries EXIF: the camera, the owner's name at times, and the GPS position of the
house. None of it is kept in the file. ``accept_photos`` reads each upload with Pillow, refuses
what is too large or not an image (nothing is written then), turns it upright, bounds it to
``PHOTO_MAX_SIDE`` pixels and writes a fresh JPEG (and a thumbnail) from the pixels alone. The
capture time is read from the EXIF before it is dropped and kept as a field; a position is never
taken from the file (the visit records one only when the cadre allows it, from the browser).

The files live on Django's default storage (``STORAGES["default"]``: the file system by default,
any django-storages backend in production) and are served only by scoped views
(``photo_response``), never from a public media URL (decision 0025).
"""

from __future__ import annotations

import datetime
import io
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_MAX_SIDE = 1600
THUMB_MAX_SIDE = 320
JPEG_QUALITY = 82
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}  # MPO: JPEG of some phone cameras
MAX_PIXELS = 80_000_000  # larger than any phone camera; a decompression bomb is refused
EXIF_IFD = 0x8769
EXIF_DATETIME_ORIGINAL = 36867
EXIF_DATETIME = 306


@dataclass(frozen=True)
class Processed:
    """One accepted photo: a clean JPEG, its thumbnail, its size and its capture time."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int
    taken_at: datetime.datetime | None


def _refuse(code: str, message: str, field: str, status: int = 400) -> Exception:
    from tongren_fupin.errors import DomainError

    return DomainError(code, message, status=status, errors={field: [message]})


def check_sizes(uploads: Sequence[Any], field: str) -> None:
    """Refuse before reading anything: too many photos, or one larger than the limit."""
    limit_mb = settings.PHOTO_MAX_UPLOAD_MB
    if len(uploads) > settings.PHOTO_MAX_COUNT:
        raise _refuse(
            "too_many_photos",
            gettext("At most %(count)s photos can be added at once.")
            % {"count": settings.PHOTO_MAX_COUNT},
            field,
        )
    for upload in uploads:
        if upload.size > limit_mb * 1024 * 1024:
            raise _refuse(
                "photo_too_large",
                gettext(
                    "The photo “%(name)s” is too large (%(size)s MB): a photo may have at most "
                    "%(limit)s MB. Take it again at a lower resolution."
                )
                % {
                    "name": upload.name,
                    "size": f"{upload.size / 1024 / 1024:.1f}",
                    "limit": limit_mb,
                },
                field,
                status=413,
            )


def accept_photos(uploads: Iterable[Any], field: str = "photos") -> list[Processed]:
    """Every upload re-encoded, or a refusal (``DomainError`` on ``field``) for the first one
    that is too large or not an image. Nothing is stored here: the caller stores the result."""
    uploads = list(uploads)
    check_sizes(uploads, field)
    return [_process(upload, field) for upload in uploads]


def _process(upload: Any, field: str) -> Processed:
    not_an_image = _refuse(
        "not_an_image",
        gettext(
            "“%(name)s” is not a photo: take a picture with the camera or choose a JPEG, PNG "
            "or WebP image."
        )
        % {"name": upload.name},
        field,
    )
    upload.seek(0)
    try:
        with Image.open(upload) as opened:
            if opened.format not in ACCEPTED_FORMATS:
                raise not_an_image
            if opened.width * opened.height > MAX_PIXELS:
                raise not_an_image
            opened.load()
            taken_at = _capture_time(opened)
            upright = ImageOps.exif_transpose(opened)
            pixels = _flatten(upright)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    image = _encode(pixels, PHOTO_MAX_SIDE)
    thumbnail = _encode(pixels, THUMB_MAX_SIDE)
    with Image.open(io.BytesIO(image)) as done:
        width, height = done.size
    return Processed(image, thumbnail, width, height, taken_at)


def _flatten(image: Image.Image) -> Image.Image:
    """The pixels alone, in RGB on white: a new image carries none of the source's info."""
    rgba = image.convert("RGBA")
    clean = Image.new("RGB", rgba.size, (255, 255, 255))
    clean.paste(rgba, mask=rgba.getchannel("A"))
    return clean


def _encode(image: Image.Image, side: int) -> bytes:
    bounded = image.copy()
    bounded.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    bounded.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _capture_time(image: Image.Image) -> datetime.datetime | None:
    """The camera's DateTimeOriginal (or DateTime), read as local time; a date in the future
    or unreadable is no capture time."""
    exif = image.getexif()
    raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
    if not isinstance(raw, str):
        return None
    try:
        naive = datetime.datetime.strptime(raw.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    taken = timezone.make_aware(naive)
    return taken if taken <= timezone.now() + datetime.timedelta(days=1) else None


def _path(folder: str) -> str:
    today = timezone.localdate()
    return f"evidence/{folder}/{today:%Y/%m}/{uuid.uuid4().hex}.jpg"


class PhotoBase(models.Model):
    """A stored photo: the re-encoded JPEG and its thumbnail on the default storage."""

    image = models.FileField(_("photo"), max_length=200)
    thumbnail = models.FileField(_("thumbnail"), max_length=200)
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    folder = "photos"

    class Meta:
        abstract = True
        ordering = ["id"]

    def store(self, processed: Processed) -> None:
        """Put the files on the storage (the row is saved by the caller)."""
        self.width, self.height, self.taken_at = (
            processed.width,
            processed.height,
            processed.taken_at,
        )
        name = _path(self.folder)
        self.image.save(name, ContentFile(processed.image), save=False)
        self.thumbnail.save(
            name.replace(".jpg", "-thumb.jpg"), ContentFile(processed.thumbnail), save=False
        )

    def delete_files(self) -> None:
        for file in (self.image, self.thumbnail):
            if file.name:
                file.storage.delete(file.name)


def store_photos(rows: Sequence[tuple[PhotoBase, Processed]]) -> None:
    """Write the files, then the rows; the files already written go when a row fails, so a
    refused write leaves nothing behind."""
    written: list[PhotoBase] = []
    try:
        for row, processed in rows:
            row.store(processed)
            written.append(row)
            row.full_clean()
            row.save()
    except BaseException:
        for row in written:
            row.delete_files()
        raise


def photo_response(photo: PhotoBase, *, thumbnail: bool = False) -> FileResponse:
    """The file of a photo the caller's selector found in the user's jurisdiction."""
    file = photo.thumbnail if thumbnail else photo.image
    if not file.name:
        raise Http404
    try:
        handle = file.storage.open(file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


class PhotoInput(forms.ClearableFileInput):
    """Several photos at once, straight from the phone's camera."""

    allow_multiple_selected = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": "image/*", "capture": "environment", **(attrs or {})})


class PhotosField(forms.FileField):
    """Zero or more photos; the service re-encodes them (and refuses what is not a photo)."""

    widget = PhotoInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("photos"))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(file, initial) for file in files]
