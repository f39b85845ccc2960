"""Where uploaded files live: the private file store, never served directly (SECURITY 16).

Signed scans and photographs go to the ``STORAGES["private"]`` alias: a folder outside the web root on one app
server, or a private bucket of S3-compatible object storage shared by several (homestart/settings.py,
docs/adr/0013-private-file-storage.md). Either way a file reaches a browser only through a permission-checked
view that streams it, so no page ever holds a link to the store itself.

The store itself is the core's (``homestart.storage``), shared with the scheme documents; this module keeps the
callable its migrations name.
"""

from django.core.files.storage import Storage

from homestart.storage import PRIVATE_STORAGE_ALIAS, private_file_store, private_name

__all__ = ["PRIVATE_STORAGE_ALIAS", "private_file_store", "private_name", "private_storage"]


def private_storage() -> Storage:
    """The private file store (a callable, so migrations name it rather than a machine's path or a bucket)."""
    return private_file_store  # type: ignore[return-value]
