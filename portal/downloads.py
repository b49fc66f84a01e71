"""Evidence file downloads (证明材料), for /my and /workspace alike.

A download is always an attachment of the type sniffed at upload, with `X-Content-Type-Options: nosniff`, never
kept by a shared cache, and only through an authorised route (credit.evidence.service.read decides who). When the
evidence store cannot be reached, /my and /workspace answer a page saying so (503, Retry-After).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar.response import Response

from credit.accounts.roles import Principal, require_evidence_reader
from credit.errors import NotFound
from credit.evidence import service as evidence

# The page of a download while the evidence store is down: (heading, text), each (Chinese, English).
STORE_DOWN_TEXT = (
    ("文件暂时无法下载", "The file cannot be downloaded just now"),
    (
        "文件存储暂时无法访问，请几分钟后再试。文件本身没有丢失。",
        "The file store cannot be reached just now; please try again in a few minutes. The file is not lost.",
    ),
)


def file_response(meta: dict[str, Any], data: bytes) -> Response[bytes]:
    """The file as a download: the sniffed type, an attachment with its (UTF-8) name, no sniffing, no caching."""
    name = meta["file_name"]
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in name)
    return Response(
        data,
        media_type=meta["content_type"],
        headers={
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


async def download(file_id: int, principal: Principal) -> Response[bytes]:
    """The file for `principal`, or NotFound when it is not theirs to read or its bytes are missing."""
    try:
        meta, data = await evidence.read(
            file_id, lambda home: require_evidence_reader(principal, home["uscc"], home["district_code"] or "")
        )
    except evidence.FileMissing:
        raise NotFound(f"evidence file {file_id}") from None
    return file_response(meta, data)
