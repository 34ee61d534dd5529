"""The real board under Xvfb against a real demo server: a counter calls, the hall sees, hears."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from kivy.core.window import Window
from kivy.uix.label import Label
from kivy.uix.widget import Widget
from websockets.asyncio.client import connect
from websockets.sync.client import connect as sync_connect

from display import audio
from display.app import DisplayApp, HallDisplay
from display.players import RecordingPlayer
from display.settings import DisplaySettings
from tests.display.window.demo import ROOT, DemoCentre

pytestmark = pytest.mark.window

ARTIFACTS = ROOT / "artifacts" / "display"
PHONE = "+254712345678"
PHONE_OR_ID = re.compile(r"(?<![\w-])(\+?254|0)?[17]\d{8}(?![\w-])|(?<![\w-])\d{7,8}(?![\w-])")
NOTICE = (
    "Keep your ticket until you are served · Weka tiketi yako hadi uhudumiwe   —   "
    "Services are free of charge unless a fee is posted · Huduma ni bure isipokuwa ada imeandikwa"
)


class TimedPlayer:
    """Notes when each announcement starts to play, then records it."""

    def __init__(self, inner: RecordingPlayer) -> None:
        self.inner = inner
        self.started: list[float] = []

    async def play(self, wav: bytes, *, label: str) -> None:
        self.started.append(time.monotonic())
        await self.inner.play(wav, label=label)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def eventually(check: Callable[[], bool], *, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not true after {seconds} s: {check}")


async def spy_on_stream(url: str, token: str, received: list[str]) -> None:
    """Receive everything a display receives, to scan it for personal data."""
    stream_url = url.replace("http://", "ws://") + "/api/v1/stream"
    async with connect(stream_url, additional_headers=bearer(token), proxy=None) as ws:
        async for message in ws:
            received.append(str(message))


def labels_text(root: Widget) -> str:
    return "\n".join(w.text for w in root.walk() if isinstance(w, Label))


def screenshot(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Kivy numbers its screenshots (name0001.png): keep the one just taken under `name`.
    taken = Path(Window.screenshot(name=str(ARTIFACTS / f"{name}.png")))
    final = ARTIFACTS / f"{name}.png"
    taken.replace(final)
    return final


def test_a_call_at_a_counter_is_shown_at_once_and_announced_in_time(
    demo: DemoCentre, tmp_path: Path
) -> None:
    audio_dir = tmp_path / "audio"
    settings = DisplaySettings(
        server_url=demo.url,
        token=demo.token("display"),
        windowed=True,
        notice=NOTICE,
        waiting_page_seconds=300,  # the screenshot shows the first page of waiting tiles
        play_audio=False,
        audio_dir=audio_dir,
    )
    recording = RecordingPlayer(audio_dir, speedup=8)
    player = TimedPlayer(recording)
    display = HallDisplay(settings, player=player)
    app = DisplayApp(display.view_model)
    received: list[str] = []
    hall_bodies: list[str] = []
    shown_at: dict[str, float] = {}
    display.view_model.bind(
        current_number=lambda _vm, number: shown_at.setdefault(number, time.monotonic())
    )

    async def scenario() -> list[str]:
        running = asyncio.create_task(display.run(app))
        spy = asyncio.create_task(spy_on_stream(demo.url, demo.token("display"), received))
        try:
            await eventually(lambda: display.view_model.online and app.root is not None)
            async with httpx.AsyncClient(base_url=demo.url, timeout=10, trust_env=False) as http:
                kiosk = bearer(demo.token("kiosk"))
                services = (await http.get("/api/v1/services", headers=kiosk)).json()["services"]
                codes = [s["code"] for s in services if s["is_open"]][:6]
                for i, code in enumerate(codes * 2):
                    body = {"service_code": code, "phone": PHONE if i == 0 else None}
                    issued = await http.post("/api/v1/tickets", json=body, headers=kiosk)
                    assert issued.status_code == 201, issued.text
                # Log in first (argon2 is slow on purpose), so that calls come one after another.
                counters = []
                for staff in demo.credentials["staff"]:
                    counter = await log_in(http, staff)
                    if counter is not None:
                        counters.append(counter)
                    if len(counters) == 3:
                        break
                numbers = [await call_next(http, *counters[0])]
                await eventually(lambda: app.root.ids.current_number.text == numbers[0])
                # The first call's voice, while nothing else happens (as in a real hall).
                await eventually(lambda: player.started != [], seconds=10)
                for counter in counters[1:]:
                    numbers.append(await call_next(http, *counter))
                    await eventually(lambda: app.root.ids.current_number.text == numbers[-1])
                hall_bodies.append((await http.get("/api/v1/hall", headers=kiosk)).text)

            assert display.view_model.highlighted
            assert app.root.ids.connection_text.text == "Live · Moja kwa moja"
            assert app.root.ids.current_counter.text.startswith("Counter ")
            rows = [row["number"] for row in display.view_model.recent_calls]
            assert rows == numbers[::-1]
            await asyncio.sleep(0.3)  # let a frame with the final state be drawn
            screenshot("board-called")
            await eventually(lambda: recording.playbacks != [], seconds=30)
            return numbers
        finally:
            app.stop()
            await asyncio.wait_for(running, 15)
            spy.cancel()

    numbers = asyncio.run(scenario())

    heard = recording.playbacks[0]
    assert heard.label.endswith(numbers[0])
    sound = audio.from_wav(heard.path.read_bytes())
    assert 3.0 < sound.duration < 20.0  # chime + English + Swahili
    assert audio.rms(sound) > 0.02  # not silence
    # The voice follows the screen within a second (rendering ran while the screen updated).
    assert player.started[0] - shown_at[numbers[0]] < 1.0
    everything = "\n".join([*received, *hall_bodies])
    assert all(number in everything for number in numbers)
    assert PHONE.lstrip("+") not in everything and "712345678" not in everything
    assert not PHONE_OR_ID.search(everything)
    assert not PHONE_OR_ID.search(labels_text(app.root))


async def log_in(http: httpx.AsyncClient, staff: dict[str, str]) -> tuple[str, dict] | None:
    """Log a demo staff member in; return their counter and headers if tickets wait for it."""
    login = await http.post("/api/v1/auth/staff", json=staff_login(staff))
    assert login.status_code == 200, login.text
    headers = bearer(login.json()["token"])
    code = staff["counter"]
    queue = (await http.get(f"/api/v1/counters/{code}/queue", headers=headers)).json()
    return (code, headers) if queue["waiting_total"] > 0 else None


async def call_next(http: httpx.AsyncClient, code: str, headers: dict[str, str]) -> str:
    """Call the next ticket at a counter; return its number."""
    called = await http.post(f"/api/v1/counters/{code}/call-next", json={}, headers=headers)
    assert called.status_code == 200, called.text
    return str(called.json()["ticket"]["number"])


def test_foleni_display_command_announces_a_call_into_its_audio_folder(
    demo: DemoCentre, tmp_path: Path
) -> None:
    with demo.http() as http:
        code, counter, service = _free_counter(demo, http)
        seq = http.get("/healthz").json()["seq"]
    audio_dir = tmp_path / "calls"
    command = [sys.executable, "-m", "display", "--server", demo.url, "--audio-dir", str(audio_dir)]
    command += ["--mute", "--windowed", "--languages", "sw", "--zone-counters", code]
    env = {**os.environ, "FOLENI_DISPLAY_TOKEN": demo.token("display")}
    with (tmp_path / "board.log").open("wb") as board_log:
        board = subprocess.Popen(command, cwd=ROOT, env=env, stdout=board_log, stderr=board_log)
    try:
        with demo.http() as http:
            report = _wait_board_online(demo, after=seq)
            assert report["message"] == "board up; sound ok"
            kiosk = bearer(demo.token("kiosk"))
            issued = http.post("/api/v1/tickets", json={"service_code": service}, headers=kiosk)
            assert issued.status_code == 201, issued.text
            called = http.post(f"/api/v1/counters/{code}/call-next", json={}, headers=counter)
            assert called.status_code == 200, called.text
        wav = _wait_for_file(audio_dir, seconds=30)
        sound = audio.from_wav(wav.read_bytes())
        assert sound.duration > 2.0 and audio.rms(sound) > 0.02  # chime and Swahili only
        assert called.json()["ticket"]["number"] in wav.name
    finally:
        board.terminate()
        board.wait(timeout=10)


def _free_counter(demo: DemoCentre, http: httpx.Client) -> tuple[str, dict[str, str], str]:
    """A demo counter holding no ticket: its code, staff headers and a service it serves."""
    for staff in reversed(demo.credentials["staff"]):
        login = http.post("/api/v1/auth/staff", json=staff_login(staff))
        assert login.status_code == 200, login.text
        headers = bearer(login.json()["token"])
        queue = http.get(f"/api/v1/counters/{staff['counter']}/queue", headers=headers).json()
        first_stage = [q["queue_key"] for q in queue["queues"] if "." not in q["queue_key"]]
        if queue["current"] is None and first_stage:
            return staff["counter"], headers, first_stage[0]
    raise AssertionError("no free demo counter serving a single-stage service")


def staff_login(staff: dict[str, str]) -> dict[str, str]:
    return {key: staff[key] for key in ("staff_number", "pin", "counter")}


def _wait_board_online(demo: DemoCentre, *, after: int) -> dict:
    """Wait for the board's own `device.status` report: it is connected and knows the names."""
    url = demo.url.replace("http://", "ws://") + f"/api/v1/stream?after={after}"
    deadline = time.monotonic() + 30
    with sync_connect(url, additional_headers=bearer(demo.token("kiosk")), proxy=None) as ws:
        while time.monotonic() < deadline:
            message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            data = message.get("data") or {}
            if message.get("type") == "device.status" and data.get("role") == "display":
                return data
    raise AssertionError("the board never reported itself online")


def _wait_for_file(folder: Path, *, seconds: float) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = sorted(folder.glob("*.wav")) if folder.exists() else []
        if found and found[0].stat().st_size > 44:
            time.sleep(0.2)  # the file is written in one call; let it land
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no announcement in {folder} after {seconds} s")
