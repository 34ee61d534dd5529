"""The websocket stream over a real server: snapshot, replay, resume, heartbeats, slow clients."""

import json
import threading
import time
import uuid

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from centre_core.wire import EventMessage
from centre_server.api.app import build_app
from centre_server.auth import Role
from centre_server.services import device_service
from tests.server.harness import make_settings
from tests.server.live import LiveServer


@pytest.fixture
def make_live(migrated_url, tmp_path):
    started = []

    def start(**overrides):
        app = build_app(make_settings(migrated_url, tmp_path, **overrides))
        context = app.state.context
        tokens = {
            role: device_service.add_device(
                context.db, name=f"{role}-{uuid.uuid4().hex[:6]}", role=role, now=context.now()
            ).token
            for role in (Role.kiosk, Role.display)
        }
        server = LiveServer(app)
        started.append((server, context))
        return server, context, tokens

    yield start
    for server, context in started:
        server.stop()
        context.db.engine.dispose()


def open_stream(server, token, *, after=None, in_query=False):
    query = {} if after is None else {"after": after}
    headers = {}
    if in_query:
        query["token"] = token
    else:
        headers["Authorization"] = f"Bearer {token}"
    url = f"{server.ws_url}/api/v1/stream" + ("?" + str(httpx.QueryParams(query)) if query else "")
    return connect(url, additional_headers=headers, open_timeout=5, close_timeout=1)


def issue(server, token, service="BC"):
    response = httpx.post(
        f"{server.url}/api/v1/tickets",
        json={"service_code": service},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (201, 409), response.text  # 409: outside opening hours
    return response


def receive(ws, timeout=5.0):
    return json.loads(ws.recv(timeout=timeout))


def test_snapshot_first_then_live_events(make_live):
    server, _context, tokens = make_live(ignore_opening_hours=True)
    issue(server, tokens["kiosk"])
    with open_stream(server, tokens["display"]) as ws:
        snapshot = receive(ws)
        assert snapshot["type"] == "snapshot"
        assert snapshot["seq"] == 1
        assert [t["number"] for t in snapshot["data"]["tickets"]] == ["B-001"]
        issue(server, tokens["kiosk"])
        event = receive(ws)
        assert (event["seq"], event["type"]) == (2, "ticket.issued")
        assert set(event) == {"seq", "type", "at", "data"}


def test_replay_after_a_seq_then_live(make_live):
    server, _context, tokens = make_live(ignore_opening_hours=True)
    for _ in range(3):
        issue(server, tokens["kiosk"])
    with open_stream(server, tokens["display"], after=1, in_query=True) as ws:
        assert [receive(ws)["seq"] for _ in range(2)] == [2, 3]
        issue(server, tokens["kiosk"])
        assert receive(ws)["seq"] == 4


def test_a_cursor_older_than_the_window_or_ahead_of_the_log_gets_a_snapshot(make_live):
    server, _context, tokens = make_live(ignore_opening_hours=True, stream_replay_window=2)
    for _ in range(5):
        issue(server, tokens["kiosk"])
    for after in (1, 99):
        with open_stream(server, tokens["display"], after=after) as ws:
            first = receive(ws)
            assert (first["type"], first["seq"]) == ("snapshot", 5)
    with open_stream(server, tokens["display"], after=3) as ws:
        assert receive(ws)["seq"] == 4


def test_a_client_that_disconnects_and_resumes_misses_nothing(make_live):
    server, context, tokens = make_live(ignore_opening_hours=True)
    stop = threading.Event()

    def keep_issuing():
        while not stop.is_set():
            issue(server, tokens["kiosk"], service=("BC", "PCC", "KRA")[int(time.time() * 10) % 3])

    issuer = threading.Thread(target=keep_issuing)
    issuer.start()
    applied: list[int] = []
    snapshot_seq = None
    try:
        for round_ in range(6):
            after = applied[-1] if applied else snapshot_seq
            with open_stream(server, tokens["display"], after=after) as ws:
                for _ in range(3 + round_):
                    message = receive(ws)
                    if message["type"] == "snapshot":
                        assert snapshot_seq is None, "resumed with a fresh cursor: no snapshot"
                        snapshot_seq = message["seq"]
                    elif message["type"] != "heartbeat":
                        applied.append(message["seq"])
            time.sleep(0.05)  # events keep coming while we are away
    finally:
        stop.set()
        issuer.join()
    with context.db.read() as session:
        from sqlalchemy import func, select

        from centre_server.db.tables import EventRow

        head = session.execute(select(func.max(EventRow.seq))).scalar_one()
    with open_stream(server, tokens["display"], after=applied[-1]) as ws:
        while applied[-1] < head:
            applied.append(receive(ws)["seq"])
    assert applied == list(range(snapshot_seq + 1, head + 1))


def test_heartbeats_and_pings(make_live):
    server, _context, tokens = make_live(stream_heartbeat_seconds=0.2)
    with open_stream(server, tokens["display"]) as ws:
        assert receive(ws)["type"] == "snapshot"
        assert receive(ws) == {"type": "heartbeat", "seq": 0}
        ws.send(json.dumps({"type": "ping"}))
        replies = [receive(ws)["type"] for _ in range(5)]
        assert "pong" in replies


def test_a_bad_token_is_refused_with_a_close_code(make_live):
    server, _context, _tokens = make_live()
    with open_stream(server, "not-a-token") as ws:
        assert receive(ws)["error"]["code"] == "unauthenticated"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
    assert closed.value.rcvd.code == 4401


def test_a_client_too_slow_for_a_burst_is_dropped_with_try_again_later(make_live):
    server, context, tokens = make_live(stream_queue_size=5)
    with open_stream(server, tokens["display"]) as ws:
        assert receive(ws)["type"] == "snapshot"
        burst = [
            EventMessage(seq=seq, type="test.burst", at=context.now(), data={})
            for seq in range(1, 51)
        ]
        # Published in one go from another thread, as a big transaction's events would be:
        # the connection's queue overflows before its sender can drain it.
        threading.Thread(target=context.hub.publish, args=(burst,)).start()
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=5)
    assert closed.value.rcvd.code == 1013
    assert context.hub.subscriber_count == 0
