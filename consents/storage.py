"""Where uploaded files live: a folder outside the web root, never served directly (SECURITY 16)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage


def private_storage() -> Storage:
    """The private file store (a callable, so migrations name it rather than a machine's path)."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
