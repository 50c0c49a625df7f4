"""A minimal HTTP/1.1 keep-alive client for the API load generator.

httpx costs the generator about 6 ms of CPU a request: at 300 requests/s its one process sat at
100% of a core (top) while the server had CPU to spare, so the benchmark measured the client.
This client sends pre-built requests over a fixed set of persistent loopback connections and
reads `Content-Length` framed responses (what uvicorn sends for JSON), at a fraction of the cost.
Anything else (chunked bodies, a closed connection) is an error, counted as such.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any


class LoopbackHTTPError(Exception):
    pass


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class LoopbackClient:
    """At most `size` connections; a request waits for a free one (opened on first use)."""

    def __init__(self, host: str, port: int, headers: dict[str, str], size: int) -> None:
        self.host, self.port = host, port
        self.common = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None] = (
            asyncio.Queue()
        )
        for _ in range(size):
            self.idle.put_nowait(None)  # a slot whose connection is opened when first taken

    async def get(self, path: str) -> Response:
        return await self.request("GET", path, b"", {})

    async def post(self, path: str, body: Any, headers: dict[str, str]) -> Response:
        payload = json.dumps(body).encode()
        return await self.request(
            "POST", path, payload, {**headers, "Content-Type": "application/json"}
        )

    async def request(
        self, method: str, path: str, payload: bytes, headers: dict[str, str]
    ) -> Response:
        connection = await self.idle.get()
        try:
            if connection is None:
                connection = await asyncio.open_connection(self.host, self.port)
            response = await self._exchange(connection, method, path, payload, headers)
        except BaseException:
            if connection is not None:
                connection[1].close()
            self.idle.put_nowait(None)  # the next user opens a fresh connection
            raise
        self.idle.put_nowait(connection)
        return response

    async def _exchange(
        self,
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter],
        method: str,
        path: str,
        payload: bytes,
        headers: dict[str, str],
    ) -> Response:
        reader, writer = connection
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.common}{extra}"
            f"Content-Length: {len(payload)}\r\n\r\n"
        )
        writer.write(head.encode() + payload)
        status_line = await reader.readline()
        if not status_line:
            raise LoopbackHTTPError("the server closed the connection")
        status = int(status_line.split(b" ", 2)[1])
        length = None
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise LoopbackHTTPError(f"a {status} response without Content-Length")
        return Response(status, await reader.readexactly(length))

    async def close(self) -> None:
        while not self.idle.empty():
            connection = self.idle.get_nowait()
            if connection is not None:
                connection[1].close()
