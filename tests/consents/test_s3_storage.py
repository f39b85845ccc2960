"""Private files in S3-compatible object storage (issue 13; docs/adr/0013-private-file-storage.md).

Several app servers share the signed scans and photographs through one private bucket. A moto server on loopback
stands in for the object store: the scan and the photo are uploaded through the real pages, land in the bucket
under keys that name no one, are private there (an unsigned request is refused), and reach a browser only through
the permission-checked views, streamed by Django. No page carries a link to the store.
"""

import os
import re
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from consents import services
from consents.models import ConsentStatus, Photo, SignedScan
from homestart.services import record_file_remove
from tests.consents.conftest import pdf_upload, png_upload
from tests.consents.test_views_consents import _awaiting_consent

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "homestart" / "settings.py"
REGION = "eu-west-2"
ACCESS_KEY = "hs-test-access-key"
SECRET_KEY = "hs-test-secret-key"  # noqa: S105 - moto accepts any key; nothing real
# What would betray a link to the store in a page: its address, the bucket's name, a signed query string.
STORE_MARKS = ("X-Amz-", "AWSAccessKeyId", "amazonaws", "Signature=")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> bool:
    """True once the server accepts connections; False if it exited first (the port was taken) or took too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 and a free port, for this module; stopped at the end, whatever happens."""
    moto_server = Path(sys.executable).with_name("moto_server")
    if not moto_server.exists():
        pytest.fail(f"{moto_server} is missing: install requirements-dev.txt (moto[server]).")
    log_path = tmp_path_factory.mktemp("moto") / "moto.log"
    # The server and its clients talk over loopback only: no proxy in between, whatever the machine sets.
    environment = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    for _attempt in range(3):
        port = _free_port()
        with log_path.open("ab") as log:
            process = subprocess.Popen(  # noqa: S603 - a fixed program from this virtualenv
                [str(moto_server), "-H", "127.0.0.1", "-p", str(port)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=environment,
            )
        if _wait_for_port(port, process):
            break
        _stop(process)
    else:
        pytest.fail(f"moto_server did not start on loopback; its log:\n{log_path.read_text()[-2000:]}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)


@dataclass
class Bucket:
    endpoint: str
    name: str
    client: Any

    def keys(self) -> list[str]:
        return [item["Key"] for item in self.client.list_objects_v2(Bucket=self.name).get("Contents", [])]

    def body(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def unsigned_get(self, key: str) -> int:
        """The answer's status to a plain GET of the object's address, as any browser or stranger would send it."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(f"{self.endpoint}/{self.name}/{key}", timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as refused:
            return refused.code


def _settings_from_environment(monkeypatch: pytest.MonkeyPatch, **variables: str) -> dict[str, Any]:
    """homestart/settings.py run afresh with these environment variables: what production would configure."""
    for name in ("PRIVATE_STORAGE", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_LOCATION", "AWS_S3_ADDRESSING_STYLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.fixture
def bucket(s3_endpoint: str, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    """A new private bucket, and the "private" store pointed at it by environment variables alone."""
    name = f"hs-private-{uuid.uuid4().hex[:12]}"
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(variable, raising=False)
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"max_attempts": 2}),
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    configured = _settings_from_environment(
        monkeypatch,
        PRIVATE_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME=name,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME=REGION,
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
    )
    settings.STORAGES = {**settings.STORAGES, "private": configured["STORAGES"]["private"]}
    return Bucket(endpoint=s3_endpoint, name=name, client=client)


def _assert_no_link_to_the_store(html: str, store: Bucket) -> None:
    assert store.endpoint.removeprefix("http://") not in html
    assert store.name not in html
    for mark in STORE_MARKS:
        assert mark not in html


def _assert_private(store: Bucket, key: str) -> None:
    acl = store.client.get_object_acl(Bucket=store.name, Key=key)
    grantees = [grant["Grantee"] for grant in acl["Grants"]]
    assert grantees and all(grantee.get("Type") == "CanonicalUser" for grantee in grantees)
    assert all(grantee["ID"] == acl["Owner"]["ID"] for grantee in grantees)
    assert store.unsigned_get(key) == 403


# The configuration ------------------------------------------------------------------------------------------------


def test_the_store_is_the_local_private_folder_unless_configured_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    configured = _settings_from_environment(monkeypatch, PRIVATE_MEDIA_ROOT="/srv/homestart/private")
    assert configured["STORAGES"]["private"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "/srv/homestart/private", "base_url": None},
    }


def test_object_storage_is_chosen_by_environment_alone_and_keeps_every_object_private(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configured = _settings_from_environment(
        monkeypatch, PRIVATE_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="homestart-private", AWS_S3_REGION_NAME=REGION
    )
    private = configured["STORAGES"]["private"]
    assert private["BACKEND"] == "storages.backends.s3.S3Storage"
    options = private["OPTIONS"]
    assert options["bucket_name"] == "homestart-private" and options["region_name"] == REGION
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert options["file_overwrite"] is False  # a second scan never replaces the first
    assert options["endpoint_url"] is None and options["access_key"] is None  # Amazon S3, the machine's own role


@pytest.mark.parametrize(
    ("variables", "hint"),
    [
        ({"PRIVATE_STORAGE": "s3"}, "needs AWS_STORAGE_BUCKET_NAME"),
        (
            {"PRIVATE_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "b", "AWS_ACCESS_KEY_ID": "only-half"},
            "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        ),
        ({"PRIVATE_STORAGE": "dropbox"}, "PRIVATE_STORAGE must be local or s3"),
    ],
)
def test_an_incomplete_storage_configuration_stops_start_up_with_a_hint(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], hint: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=hint):
        _settings_from_environment(monkeypatch, **variables)


# Through the pages --------------------------------------------------------------------------------------------


def test_a_signed_scan_is_kept_privately_in_the_bucket_and_downloaded_only_through_the_checked_view(
    client: Any, consent_world: Any, bucket: Bucket
) -> None:
    world = consent_world
    consent = _awaiting_consent(world)
    upload = pdf_upload()
    uploaded = upload.read()
    upload.seek(0)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("consents:consent_signed", args=[consent.pk]),
        {
            "scan": upload,
            "signed_on": timezone.localdate().isoformat(),
            "method": "scanned_letter",
            "received_by": world.coordinator.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.SIGNED

    # In the bucket, and only there, under a key that names neither the family nor the consent.
    stored = SignedScan.objects.get()
    assert bucket.keys() == [stored.file.name]
    assert re.fullmatch(r"scans/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", stored.file.name)
    assert world.family.reference not in stored.file.name
    assert not (Path(django_settings.PRIVATE_MEDIA_ROOT) / stored.file.name).exists()
    assert bucket.body(stored.file.name) == uploaded
    _assert_private(bucket, stored.file.name)

    # The consent's page links to the app's own download, never to the store.
    page = client.get(response["Location"]).content.decode()
    assert "Signed letter recorded" in page
    assert f'href="{reverse("consents:scan", args=[consent.pk])}"' in page
    _assert_no_link_to_the_store(page, bucket)

    # The download is the same bytes, streamed by Django, not a redirect to the store.
    download = client.get(reverse("consents:scan", args=[consent.pk]))
    assert download.status_code == 200 and not download.has_header("Location")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == uploaded

    # Whoever may not see the consent gets the same 404 as for nothing at all; a visitor is sent to sign in.
    client.force_login(world.other_coordinator)
    assert client.get(reverse("consents:scan", args=[consent.pk])).status_code == 404
    client.force_login(world.volunteer)
    assert client.get(reverse("consents:scan", args=[consent.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("consents:scan", args=[consent.pk])).status_code == 302


def test_a_photograph_is_kept_privately_in_the_bucket_and_shown_only_through_the_checked_view(
    client: Any, consent_world: Any, bucket: Bucket
) -> None:
    world = consent_world
    upload = png_upload("picnic.png")
    uploaded = upload.read()
    upload.seek(0)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("consents:photo_new"),
        {
            "event": "Summer picnic at Victoria Park",
            "taken_on": timezone.localdate().isoformat(),
            "description": "Parents and toddlers at the craft table",
            "families": [world.family.pk],
            "image": upload,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = Photo.objects.get()
    assert bucket.keys() == [photo.image.name]
    assert re.fullmatch(r"photos/\d{4}/\d{2}/[0-9a-f]{32}\.png", photo.image.name)
    assert "picnic" not in photo.image.name
    assert bucket.body(photo.image.name) == uploaded
    _assert_private(bucket, photo.image.name)

    page = client.get(response["Location"]).content.decode()
    assert f'src="{reverse("consents:photo_image", args=[photo.pk])}"' in page
    _assert_no_link_to_the_store(page, bucket)

    image = client.get(reverse("consents:photo_image", args=[photo.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert "no-store" in image["Cache-Control"]
    assert b"".join(image.streaming_content) == uploaded

    client.force_login(world.other_coordinator)
    assert client.get(reverse("consents:photo_image", args=[photo.pk])).status_code == 404


def test_a_scan_missing_from_the_bucket_is_a_404_not_an_error(client: Any, consent_world: Any, bucket: Bucket) -> None:
    world = consent_world
    client.force_login(world.coordinator)
    consent = _awaiting_consent(world)
    response = client.post(
        reverse("consents:consent_signed", args=[consent.pk]),
        {
            "scan": png_upload(),
            "signed_on": timezone.localdate().isoformat(),
            "method": "photographed_letter",
            "received_by": world.coordinator.pk,
        },
    )
    assert response.status_code == 302
    key = SignedScan.objects.get().file.name
    bucket.client.delete_object(Bucket=bucket.name, Key=key)
    assert client.get(reverse("consents:scan", args=[consent.pk])).status_code == 404


def test_a_file_removed_under_retention_is_deleted_from_the_bucket(consent_world: Any, bucket: Bucket) -> None:
    world = consent_world
    services.consent_record_signed(
        consent=_awaiting_consent(world),
        scan=pdf_upload(),
        signed_on=timezone.localdate(),
        method="scanned_letter",
        received_by=world.coordinator,
        actor=world.coordinator,
    )
    stored = SignedScan.objects.get()
    assert bucket.keys() == [stored.file.name]
    assert record_file_remove(record=stored, field="file", actor=None, family_pk=world.family.pk)
    stored.refresh_from_db()
    assert stored.file.name == "" and bucket.keys() == []
