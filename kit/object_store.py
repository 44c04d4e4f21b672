"""One object store for files kept beside a service's database (photos, videos, documents):
put, get, delete and exists by key. The local file system by default — a folder under the
service's data dir, no key ever reaching outside it — and any S3-compatible store in
production, chosen by configuration only (`<PREFIX>_OBJECT_STORE=s3` and the `<PREFIX>_S3_*` settings).

Keys are relative paths of `[A-Za-z0-9._-]` segments joined by `/` (no `..`, no leading `/`).
Reads take a size limit: an object larger than it is refused rather than loaded."""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import Field, model_validator

from kit.errors import InvalidArgument, NotFound
from kit.settings import VAR_DIR, PlatformSettings

KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")
MAX_KEY_LENGTH = 512


def valid_key(key: str) -> str:
    if len(key) > MAX_KEY_LENGTH or not KEY.match(key) or ".." in key.split("/"):
        raise InvalidArgument(f"not an object key: {key!r}", reason="INVALID_OBJECT_KEY")
    return key


class ObjectTooLarge(InvalidArgument):
    """An object over the size limit of the read that asked for it."""


def missing(key: str) -> NotFound:
    return NotFound(f"no object {key}", reason="OBJECT_NOT_FOUND")


class ObjectStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str, max_bytes: int) -> bytes: ...

    async def delete(self, key: str) -> None: ...

    async def exists(self, key: str) -> bool: ...


class LocalObjectStore:
    """Objects as files under `root`; a put writes a temporary file and renames it, so a reader
    never sees half an object."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / valid_key(key)).resolve()
        if not path.is_relative_to(self.root):
            raise InvalidArgument(f"not an object key: {key!r}", reason="INVALID_OBJECT_KEY")
        return path

    def _put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        partial.write_bytes(data)
        partial.replace(path)

    def _get(self, key: str, max_bytes: int) -> bytes:
        path = self._path(key)
        try:
            with path.open("rb") as file:
                if os.fstat(file.fileno()).st_size > max_bytes:
                    raise ObjectTooLarge(
                        f"{key} is over {max_bytes} bytes", reason="OBJECT_TOO_LARGE"
                    )
                return file.read()
        except FileNotFoundError:
            raise missing(key) from None

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._put, key, data)

    async def get(self, key: str, max_bytes: int) -> bytes:
        return await asyncio.to_thread(self._get, key, max_bytes)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)


@dataclass(frozen=True)
class S3Location:
    bucket: str
    endpoint_url: str = ""  # empty: the provider's default endpoint for the region
    region: str = "us-east-1"
    access_key_id: str = ""  # empty (with the secret): the SDK's own credential chain
    secret_access_key: str = ""
    prefix: str = ""  # keys are stored under it, e.g. "assistance/"


class S3ObjectStore:
    """Objects in a bucket of any S3-compatible store (AWS S3, MinIO, Ceph RGW, OSS...)."""

    def __init__(self, location: S3Location) -> None:
        import boto3  # only where S3 is configured
        from botocore.config import Config

        self.location = location
        credentials: dict[str, Any] = {}
        if location.access_key_id:
            credentials = {
                "aws_access_key_id": location.access_key_id,
                "aws_secret_access_key": location.secret_access_key,
            }
        self.client = boto3.client(
            "s3",
            endpoint_url=location.endpoint_url or None,
            region_name=location.region,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}),
            **credentials,
        )

    def _key(self, key: str) -> str:
        return f"{self.location.prefix}{valid_key(key)}"

    def _get(self, key: str, max_bytes: int) -> bytes:
        try:
            found = self.client.get_object(Bucket=self.location.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey:
            raise missing(key) from None
        body = found["Body"]
        try:
            if found["ContentLength"] > max_bytes:
                raise ObjectTooLarge(f"{key} is over {max_bytes} bytes", reason="OBJECT_TOO_LARGE")
            return bytes(body.read())
        finally:
            body.close()

    def _exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.location.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object,
            Bucket=self.location.bucket,
            Key=self._key(key),
            Body=data,
            ContentType=content_type,
        )

    async def get(self, key: str, max_bytes: int) -> bytes:
        return await asyncio.to_thread(self._get, key, max_bytes)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(
            self.client.delete_object, Bucket=self.location.bucket, Key=self._key(key)
        )

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._exists, key)


class StoresObjects(PlatformSettings):
    """Mixed into the settings of a service that keeps files: `<PREFIX>_OBJECT_STORE` (local or
    s3), the local folder, and the S3 bucket, endpoint, region, prefix and keys (the secret key
    best as a file of `$JZ_SECRETS_DIR`)."""

    object_store: Literal["local", "s3"] = "local"
    object_store_folder: str = ""  # local; empty: var/data/<service>-objects
    s3_bucket: str = ""
    s3_endpoint_url: str = ""
    s3_region: str = "us-east-1"
    s3_prefix: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: str = Field(default="", repr=False)

    @model_validator(mode="after")
    def _bucket_for_s3(self) -> StoresObjects:
        if self.object_store == "s3" and not self.s3_bucket:
            prefix = self.model_config.get("env_prefix", "")
            raise ValueError(f"{prefix.upper()}S3_BUCKET must be set for the S3 object store")
        return self

    def open_object_store(self, service_name: str) -> ObjectStore:
        if self.object_store == "local":
            folder = self.object_store_folder or str(VAR_DIR / "data" / f"{service_name}-objects")
            return LocalObjectStore(Path(folder))
        return S3ObjectStore(
            S3Location(
                bucket=self.s3_bucket,
                endpoint_url=self.s3_endpoint_url,
                region=self.s3_region,
                access_key_id=self.s3_access_key_id,
                secret_access_key=self.s3_secret_access_key,
                prefix=self.s3_prefix,
            )
        )
