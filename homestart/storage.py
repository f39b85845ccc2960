"""The private file store, for every app that keeps uploaded or generated files (SECURITY 16).

Signed scans and photographs (consents) and scheme documents (documents) go to the ``STORAGES["private"]`` alias: a
folder outside the web root on one app server, or a private bucket of S3-compatible object storage shared by
several (homestart/settings.py, docs/adr/0013-private-file-storage.md). Either way a file reaches a browser only
through a view that decides who may have it and streams it, so no page ever holds a link to the store itself.

It lives in the core so that apps on every floor share one store and one way of naming files in it;
``consents.storage`` keeps its own ``private_storage`` callable (named by its migrations) and hands back this one.
"""

import secrets

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

PRIVATE_STORAGE_ALIAS = "private"


class PrivateStorage(LazyObject):
    """``storages["private"]``, looked up on first use rather than when the models are loaded, so a change of the
    STORAGES setting (a test pointing the store at an object storage server) reaches the models' file fields too."""

    def _setup(self) -> None:
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


private_file_store = PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting: str, **kwargs: object) -> None:
    # Django forgets its own storage instances when STORAGES changes (django.test.signals); forget ours with them.
    if setting == "STORAGES":
        private_file_store._wrapped = empty


def private_storage() -> Storage:
    """The private file store (a callable, so migrations name it rather than a machine's path or a bucket)."""
    return private_file_store  # type: ignore[return-value]


def private_name(extension: str) -> str:
    """A name for a new private file that says nothing about whose it is and cannot be guessed (128 random bits):
    the folder and key of one stored file never lead to another."""
    return f"{secrets.token_hex(16)}.{extension}"
