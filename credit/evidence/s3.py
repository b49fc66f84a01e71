"""The evidence store in an S3-compatible bucket (EVIDENCE_S3_*), on the `minio` SDK.

Objects are named `<prefix><key[:2]>/<key>`, like the folder store's files, and stay private: no ACL is set and no
presigned URL is made. The SDK is synchronous: each call runs in a worker thread. Its errors become the store's:
NoSuchKey is FileMissing; any other refusal (wrong keys, no such bucket) and any failure to reach the server is
StoreUnavailable, within seconds (short timeouts, few retries) since a user waits on it.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterable
from typing import TypeVar
from urllib.parse import urlsplit

import urllib3
from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import MinioException, S3Error

from credit.evidence.store import FileMissing, Listing, StoredObject, StoreUnavailable, name_of
from credit.settings import EvidenceS3

T = TypeVar("T")
CONNECT_SECONDS = 5.0
READ_SECONDS = 60.0
RETRIES = urllib3.Retry(total=2, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504])


class S3Store:
    """Objects in an S3-compatible bucket, named `<prefix><key[:2]>/<key>`, private (the bucket's default ACL)."""

    def __init__(self, config: EvidenceS3):
        endpoint = urlsplit(config.endpoint)
        self.bucket, self.prefix, self.endpoint = config.bucket, config.prefix, config.endpoint
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=CONNECT_SECONDS, read=READ_SECONDS),
            maxsize=10,
            cert_reqs="CERT_REQUIRED",  # the system's CAs (and SSL_CERT_FILE, read by OpenSSL itself)
            retries=RETRIES,
        )
        self.client = Minio(
            endpoint.netloc,
            access_key=config.access_key,
            secret_key=config.secret_key,
            secure=endpoint.scheme == "https",
            region=config.region,
            http_client=http,
        )

    def _read(self, key: str) -> bytes:
        response = self.client.get_object(self.bucket, self.prefix + name_of(key))
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def _write(self, key: str, data: bytes) -> None:
        self.client.put_object(
            self.bucket, self.prefix + name_of(key), io.BytesIO(data), len(data), "application/octet-stream"
        )

    def _remove(self, keys: list[str]) -> None:
        objects = [DeleteObject(self.prefix + name_of(key)) for key in keys]
        if failed := list(self.client.remove_objects(self.bucket, objects)):
            raise StoreUnavailable(f"the bucket refused to delete {failed[0].name}: {failed[0].message}")

    def _scan(self) -> Listing:
        found = [
            StoredObject(
                item.object_name[len(self.prefix) :],
                item.last_modified.timestamp() if item.last_modified else 0.0,
                item.size or 0,
            )
            for item in self.client.list_objects(self.bucket, prefix=self.prefix or None, recursive=True)
            if item.object_name and not item.is_dir
        ]
        return Listing(found, 0)

    async def _call(self, call: Callable[..., T], *args: object) -> T:
        try:
            return await asyncio.to_thread(call, *args)
        except S3Error as error:
            if error.code == "NoSuchKey":
                raise FileMissing(str(args[0])) from None
            raise StoreUnavailable(f"the S3 store {self.endpoint} refused: {error.code} {error.message}") from error
        except (MinioException, urllib3.exceptions.HTTPError, OSError) as error:
            raise StoreUnavailable(f"the S3 store {self.endpoint} cannot be reached: {error}") from error

    async def put(self, key: str, data: bytes) -> None:
        await self._call(self._write, key, data)

    async def get(self, key: str) -> bytes:
        return await self._call(self._read, key)

    async def delete(self, keys: Iterable[str]) -> None:
        if wanted := list(keys):
            await self._call(self._remove, wanted)

    async def listing(self) -> Listing:
        return await self._call(self._scan)
