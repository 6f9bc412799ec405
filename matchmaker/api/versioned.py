"""ETag and If-Match for the library records: what a read answers and a PATCH may send back.

``GET /api/v1/<library>/{id}`` and every PATCH answer the record's ``ETag`` (its version, see
``services.versions``); a PATCH with ``If-Match`` writes only if the record is still at that
version, else 412 and nothing changes. A PATCH without it writes as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Protocol, TypeVar

from litestar import Response
from litestar.datastructures import ResponseHeader
from litestar.params import HeaderParameter

from matchmaker.services.versions import etag

__all__ = ["ETAG", "IfMatch", "tagged"]

#: The optional ``If-Match`` header of a PATCH.
IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        max_length=500,
        required=False,
        description="the ETag the record had when you read it: the change is made only if it "
        "still has it (else 412 and nothing changes); leave it out to write regardless",
    ),
]

#: The response header the single-record answers document.
ETAG = [
    ResponseHeader(
        name="ETag",
        description="the record's version; send it back in If-Match with a PATCH",
        documentation_only=True,
    )
]


class _Versioned(Protocol):
    @property
    def updated_at(self) -> dt.datetime: ...


R = TypeVar("R", bound=_Versioned)


def tagged(record: R) -> Response[R]:
    """The record as the answer, with its ``ETag``."""
    return Response(record, headers={"ETag": etag(record.updated_at)})
