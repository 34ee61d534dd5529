"""The end-to-end test's proxy reads what a server sends, so its personal-data scan can fail.

Websocket frames from a server are compressed when permessage-deflate is negotiated (the
`websockets` client offers it by default): a scan of the raw bytes would pass whatever they
carry. These tests put the proxy in front of real loopback servers and check that it inflates
them, reads chunked and gzip HTTP bodies, and refuses a coding it cannot read.
"""

import asyncio
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve

from tests.e2e.window import personal_data
from tests.e2e.window.recording_proxy import Connection, RecordingProxy, read_exchanges

PHONE = "+254722334455"
RULES = [personal_data.phone("the phone", PHONE)]


def texts(proxy):
    pairs = []
    for exchange in proxy.exchanges():
        pairs.append((exchange.request, exchange.body.decode()))
        pairs += [(exchange.request, m.decode(errors="replace")) for m in exchange.messages]
    return pairs


def test_compressed_websocket_messages_are_inflated_and_scanned():
    sent = [
        json.dumps({"seq": i, "phone": PHONE if i == 2 else None, "pad": "x" * 300})
        for i in range(3)
    ]

    async def scenario():
        async def stream(websocket):
            for message in sent:
                await websocket.send(message)
            await websocket.wait_closed()

        async with serve(stream, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            proxy = RecordingProxy(f"http://127.0.0.1:{port}").start()
            try:
                async with connect(f"ws://127.0.0.1:{proxy.port}/stream", proxy=None) as websocket:
                    received = [await websocket.recv() for _ in sent]
            finally:
                await asyncio.to_thread(proxy.stop)
        return proxy, received

    proxy, received = asyncio.run(scenario())
    [exchange] = proxy.exchanges()
    assert exchange.request.startswith("GET /stream ")
    assert exchange.status == 101
    assert "permessage-deflate" in exchange.headers["sec-websocket-extensions"]
    assert [m.decode() for m in exchange.messages[:3]] == received == sent
    assert b"722334455" not in proxy.received()  # compressed on the wire
    assert len(personal_data.found(texts(proxy), RULES)) == 1


class _Chunked(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/chunked-gzip":
            body = gzip.compress(json.dumps({"phone": "0722 334 455"}).encode())
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(body), 7):
                piece = body[start : start + 7]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            body = b'{"number": "D-001"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *_args):
        pass


def test_chunked_gzip_bodies_on_a_kept_alive_connection_are_read():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Chunked)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    proxy = RecordingProxy(f"http://127.0.0.1:{server.server_address[1]}").start()
    try:
        with httpx.Client(base_url=proxy.url, trust_env=False, timeout=5) as http:
            assert http.get("/chunked-gzip").json() == {"phone": "0722 334 455"}
            assert http.get("/plain").json() == {"number": "D-001"}
    finally:
        proxy.stop()
        server.shutdown()
        server.server_close()
    exchanges = proxy.exchanges()
    assert [(e.request.split()[1], e.status) for e in exchanges] == [
        ("/chunked-gzip", 200),
        ("/plain", 200),
    ]
    assert json.loads(exchanges[0].body) == {"phone": "0722 334 455"}
    hits = personal_data.found(texts(proxy), RULES)
    assert len(hits) == 1 and "/chunked-gzip" in hits[0]


def test_a_content_coding_the_proxy_cannot_read_fails_the_test():
    answer = b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 3\r\n\r\nabc"
    with pytest.raises(AssertionError, match="br"):
        read_exchanges(Connection(bytearray(b"GET / HTTP/1.1\r\n\r\n"), bytearray(answer)))


@pytest.mark.parametrize(
    "written",
    ["0722334455", "+254722334455", "254722334455", "0722 334 455", "+254 722-334-455"],
)
def test_a_phone_is_found_in_any_written_form(written):
    assert personal_data.found([("body", f'{{"x": "{written}"}}')], RULES)


def test_a_masked_phone_is_not_personal_data():
    assert personal_data.found([("body", '{"phone_masked": "+254 7** *** 455"}')], RULES) == []
