"""Attachments on a platform configured for an S3-compatible store (moto's server on
127.0.0.1): the photo uploaded through the gateway lands in the bucket under assistance's
prefix, byte for byte, is served back from there, and nothing is written to the local folder."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from devstack.platform import LocalPlatform
from devstack.processes import free_port
from tests.e2e.harness import Api, OwnPlatforms
from tests.e2e.test_attachments import VILLAGE, photo, upload
from tests.e2e.test_needs import paired_helper
from tests.e2e.test_visits import NEAR, log_visit

BUCKET = "jz-e2e-files"
KEYS = {"aws_access_key_id": "e2e", "aws_secret_access_key": "e2e-secret"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture(scope="module")
def bucket(s3_endpoint: str):  # type: ignore[no-untyped-def]
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **KEYS)
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture(scope="module")
def s3_platform(own_platforms: OwnPlatforms, s3_endpoint: str, bucket) -> Iterator[LocalPlatform]:  # type: ignore[no-untyped-def]
    env = {
        "ASSISTANCE_OBJECT_STORE": "s3",
        "ASSISTANCE_S3_ENDPOINT_URL": s3_endpoint,
        "ASSISTANCE_S3_BUCKET": BUCKET,
        "ASSISTANCE_S3_PREFIX": "assistance/",
        "ASSISTANCE_S3_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
        "ASSISTANCE_S3_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
    }
    with own_platforms.start(
        "attachs3", services=("identity", "registry", "assistance"), extra_env=env
    ) as own:
        yield own.local


@pytest.fixture(scope="module")
def s3_api(s3_platform: LocalPlatform) -> Iterator[Api]:
    with httpx.Client(base_url=s3_platform.config.gateway_url, timeout=30) as http:
        yield Api(http)


def test_a_photo_uploaded_through_the_gateway_is_kept_in_the_s3_bucket(
    s3_platform: LocalPlatform, s3_api: Api, bucket
) -> None:  # type: ignore[no-untyped-def]
    created = s3_platform.bootstrap_admin("13700000017", "省管理员")
    admin = s3_api.activate("13700000017", created["initial_password"])
    household_id, helper = paired_helper(s3_api, admin, VILLAGE)
    visit_id = log_visit(s3_api, helper, household_id, NEAR).json()["id"]
    data = photo((NEAR["latitude"], NEAR["longitude"]), None)

    uploaded = upload(s3_api, helper, "visits", visit_id, "door.jpg", data)
    assert uploaded.status_code == 201, uploaded.text
    attachment_id = uploaded.json()["id"]
    stored = bucket.get_object(
        Bucket=BUCKET, Key=f"assistance/attachments/{attachment_id}/original.jpg"
    )
    assert (stored["Body"].read(), stored["ContentType"]) == (data, "image/jpeg")
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert f"assistance/attachments/{attachment_id}/thumbnail.jpg" in keys

    served = s3_api.get(uploaded.json()["url"], helper)
    assert (served.status_code, served.content) == (200, data)
    local = s3_platform.config.var_dir / "data" / "assistance-objects"
    assert not local.exists() or not any(local.rglob("*"))
