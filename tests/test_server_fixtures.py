"""Live servers for the server tests: uvicorn on a free loopback port, in a thread of the test
process (sharing the session's tiny models), or as the real `voxtral-tts serve` command."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

fastapi = pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

from voxtral_tts import VoxtralTTS  # noqa: E402
from voxtral_tts.server.app import create_app  # noqa: E402
from voxtral_tts.server.config import ServerConfig  # noqa: E402

ALICE, BOB = "alice-key-0001", "bob-key-000002"
SR = 24000


class LiveServer:
    """A uvicorn server in a background thread, on 127.0.0.1 and a free port."""

    def __init__(self, tts: VoxtralTTS, **config) -> None:
        self.config = ServerConfig(**config)
        self.app = create_app(tts, self.config)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", timeout_graceful_shutdown=2))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def scheduler(self):
        return self.app.state.scheduler

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()

    def client(self, key: str | None = None, timeout: float = 60) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.scheduler.active == 0 and self.scheduler.queue_depth == 0:
                return True
            time.sleep(0.01)
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeProcess:
    """The real `voxtral-tts serve` command in a subprocess."""

    def __init__(self, model: Path, data_dir: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "voxtral_tts.cli", "serve", "--model", str(model), "--port", str(self.port)]
        cmd += ["--data-dir", str(data_dir), *args]
        self.log = data_dir / "serve.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log, "w")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env={**os.environ})

    def __enter__(self) -> ServeProcess:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited: {self.log.read_text()}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("serve did not come up")

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def tone(seconds: float, rate: int = 16000, fmt: str = "WAV") -> bytes:
    """A voiced-like clip, encoded."""
    t = np.arange(int(seconds * rate)) / rate
    f0 = 120 + 20 * np.sin(2 * np.pi * 0.5 * t)
    sig = 0.3 * np.sin(2 * np.pi * np.cumsum(f0) / rate) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    buf = io.BytesIO()
    sf.write(buf, sig.astype(np.float32), rate, format=fmt)
    return buf.getvalue()


def reference(
    tts: VoxtralTTS, text: str, voice=None, ref_audio=None, seed: int = 0, max_seconds: float = 3.0, marked: bool = True
):
    """The audio one pass of the model gives for `text` (no text normalisation or long-form handling,
    which the server's default single pass does not do either): frames through one-shot decode, then
    the watermark every server response carries (`marked`; a response made of several parts is marked
    as a whole, see `watermarked`)."""
    import torch

    from voxtral_tts.generate import generate_frames
    from voxtral_tts.streaming import decode_frames

    with torch.inference_mode():
        req, _ = tts._request(text, voice, ref_audio, seed, None, max_seconds)
        frames = generate_frames(tts.model, [req])[0]
        samples = decode_frames(tts.model.codec, frames).numpy()
    return watermarked(tts, samples) if marked else samples


def watermarked(tts: VoxtralTTS, samples: np.ndarray) -> np.ndarray:
    """`samples` as a server response carries them: with this deployment's watermark."""
    from voxtral_tts.watermark.output import mark

    return mark(samples, tts.output_marker(True, "test reference"))


def s16(samples: np.ndarray) -> np.ndarray:
    return np.round(np.clip(samples, -1, 1) * 32767).astype(np.int16)


def pcm_of(data: bytes) -> np.ndarray:
    return np.frombuffer(data, "<i2")


@pytest.fixture(scope="session", name="api_server")
def api_server_fixture(tts: VoxtralTTS, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The tiny model behind two API keys, with small limits."""
    data = tmp_path_factory.mktemp("server_data")
    with LiveServer(
        tts,
        data_dir=data,
        api_keys=[ALICE, BOB],
        model_name="tiny",
        max_batch=8,
        max_seconds=3.0,
        max_input_chars=500,
        max_upload_bytes=2_000_000,
    ) as s:
        yield s


@pytest.fixture(scope="session", name="load_server")
def load_server_fixture(long_tts: VoxtralTTS, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A model that never ends, so every response is exactly max_seconds long; 32 slots."""
    with LiveServer(long_tts, data_dir=tmp_path_factory.mktemp("load_data"), max_batch=32, max_seconds=2.0) as s:
        yield s
