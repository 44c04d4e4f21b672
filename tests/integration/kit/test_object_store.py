"""The object store against real storage: a folder on this machine and an S3-compatible HTTP
server on 127.0.0.1 (moto's), the same behaviour from both: put, get, exists, delete, a size
limit on reads, keys that never reach outside the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from pydantic_settings import SettingsConfigDict

from devstack.processes import free_port
from kit.errors import InvalidArgument, NotFound
from kit.object_store import (
    LocalObjectStore,
    ObjectStore,
    ObjectTooLarge,
    S3Location,
    S3ObjectStore,
    StoresObjects,
)

BUCKET = "jz-attachments"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=BUCKET)
    try:
        yield endpoint
    finally:
        server.stop()


def s3_store(endpoint: str, prefix: str = "assistance/") -> S3ObjectStore:
    return S3ObjectStore(
        S3Location(
            bucket=BUCKET,
            endpoint_url=endpoint,
            access_key_id="test",
            secret_access_key="test",
            prefix=prefix,
        )
    )


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "local":
        return LocalObjectStore(tmp_path / "objects")
    return s3_store(request.getfixturevalue("s3_endpoint"))


async def test_an_object_put_is_read_back_whole_and_is_gone_once_deleted(
    store: ObjectStore,
) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB
    await store.put("attachments/a1/original.jpg", data, "image/jpeg")
    assert await store.exists("attachments/a1/original.jpg")
    assert await store.get("attachments/a1/original.jpg", max_bytes=len(data)) == data
    with pytest.raises(ObjectTooLarge):
        await store.get("attachments/a1/original.jpg", max_bytes=len(data) - 1)
    await store.put("attachments/a1/original.jpg", b"replaced", "image/jpeg")
    assert await store.get("attachments/a1/original.jpg", max_bytes=100) == b"replaced"
    await store.delete("attachments/a1/original.jpg")
    assert not await store.exists("attachments/a1/original.jpg")
    with pytest.raises(NotFound):
        await store.get("attachments/a1/original.jpg", max_bytes=100)
    await store.delete("attachments/a1/original.jpg")  # deleting again is no error


@pytest.mark.parametrize(
    "key", ["../escape", "a/../../b", "/etc/passwd", "a//b", "", ".hidden", "a/./b", "a\\b"]
)
async def test_a_key_that_could_reach_outside_the_store_is_refused(
    store: ObjectStore, key: str
) -> None:
    with pytest.raises(InvalidArgument):
        await store.put(key, b"x", "text/plain")
    with pytest.raises(InvalidArgument):
        await store.get(key, max_bytes=10)


async def test_the_local_store_keeps_its_files_inside_its_folder(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    await store.put("attachments/b2/thumbnail.jpg", b"small", "image/jpeg")
    assert files_under(tmp_path) == [tmp_path / "objects" / "attachments" / "b2" / "thumbnail.jpg"]


async def test_the_s3_store_is_chosen_by_settings_and_keeps_keys_under_its_prefix(
    s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("X_OBJECT_STORE", "s3")
    monkeypatch.setenv("X_S3_BUCKET", BUCKET)
    monkeypatch.setenv("X_S3_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("X_S3_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("X_S3_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("X_S3_PREFIX", "configured/")

    class Settings(StoresObjects):
        model_config = SettingsConfigDict(env_prefix="X_")

    store = Settings().open_object_store("x")
    assert isinstance(store, S3ObjectStore)
    await store.put("attachments/c3/original.pdf", b"%PDF-1.4", "application/pdf")
    raw = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).get_object(Bucket=BUCKET, Key="configured/attachments/c3/original.pdf")
    assert (raw["Body"].read(), raw["ContentType"]) == (b"%PDF-1.4", "application/pdf")
    assert not await s3_store(s3_endpoint, prefix="other/").exists("attachments/c3/original.pdf")


def test_the_s3_store_needs_a_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("Y_OBJECT_STORE", "s3")

    class Settings(StoresObjects):
        model_config = SettingsConfigDict(env_prefix="Y_")

    with pytest.raises(ValueError, match="Y_S3_BUCKET"):
        Settings()
