"""The way out for every waveform the server sends: time-stretch, `postprocess`, then an encoder.

Each stage takes the waveform in arbitrary pieces and gives the same result however it is cut, so a
streamed response joins to exactly the bytes of a buffered one.
"""

from __future__ import annotations

import io
import struct

import numpy as np
import soundfile as sf

FORMATS = ("wav", "pcm", "flac", "mp3", "opus")
MEDIA_TYPES = {
    "wav": "audio/wav",
    "pcm": "audio/pcm",
    "flac": "audio/flac",
    "mp3": "audio/mpeg",
    "opus": "audio/ogg",
}
MIN_SPEED, MAX_SPEED = 0.25, 4.0


def postprocess(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """The single hook every outgoing waveform passes through (float32 mono, in order, in pieces
    that join to the whole output). Kept as the place for a watermark; today it passes audio on."""
    return samples


class TimeStretch:
    """Streaming WSOLA: changes tempo by `speed` without changing pitch.

    Output frame k (hop HS) copies the input segment near k * HS * speed that best continues the
    previous one (cross-correlation within +-TOLERANCE), overlap-added under a Hann window. A frame
    is computed only once all input it may read has arrived, and samples are released only once no
    later frame can touch them, so any split of the input gives the same output as one piece.
    """

    FRAME = 960  # 40 ms at 24 kHz
    HOP = FRAME // 2
    TOLERANCE = 240

    def __init__(self, speed: float) -> None:
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise ValueError(f"speed must be between {MIN_SPEED} and {MAX_SPEED}, got {speed}")
        self.speed = float(speed)
        n = self.FRAME
        self.window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)).astype(np.float32)
        # Nothing overlaps the first frame's rising half, so it is flat: the output starts at full level.
        self.first_window = self.window.copy()
        self.first_window[: n // 2] = 1.0
        self.buf = np.zeros(0, np.float32)  # input from absolute index `base` on
        self.base = 0
        self.total_in = 0
        self.out = np.zeros(0, np.float32)  # overlap-add accumulator from absolute output index `out_base`
        self.wsum = np.zeros(0, np.float32)
        self.out_base = 0
        self.k = 0  # next output frame
        self.prev = None  # input position of the previous frame

    def _nominal(self, k: int) -> int:
        return int(round(k * self.HOP * self.speed))

    def _need(self, k: int) -> int:
        """Input samples frame k reads (its search window, and the previous frame's continuation)."""
        need = self._nominal(k) + self.TOLERANCE + self.FRAME
        if self.prev is not None:
            need = max(need, self.prev + self.HOP + self.FRAME)
        return need

    def _input(self, start: int, n: int) -> np.ndarray:
        """Input [start, start + n), zero beyond what has arrived (only used once input has ended)."""
        seg = np.zeros(n, np.float32)
        lo, hi = max(start, self.base), min(start + n, self.base + self.buf.size)
        if hi > lo:
            seg[lo - start : hi - start] = self.buf[lo - self.base : hi - self.base]
        return seg

    def _frame(self) -> None:
        k, n = self.k, self.FRAME
        a = self._nominal(k)
        if self.prev is None:
            pos = a
        else:
            template = self._input(self.prev + self.HOP, n)
            lo = max(0, a - self.TOLERANCE)
            region = self._input(lo, a + self.TOLERANCE + n - lo)
            score = np.correlate(region, template, mode="valid")
            pos = lo + int(np.argmax(score))
        start = k * self.HOP - self.out_base
        end = start + n
        if end > self.out.size:
            self.out = np.concatenate([self.out, np.zeros(end - self.out.size, np.float32)])
            self.wsum = np.concatenate([self.wsum, np.zeros(end - self.wsum.size, np.float32)])
        window = self.first_window if k == 0 else self.window
        self.out[start:end] += window * self._input(pos, n)
        self.wsum[start:end] += window
        self.prev = pos
        self.k += 1

    def _release(self, upto: int) -> np.ndarray:
        """Finished output samples up to absolute index `upto`."""
        n = max(0, upto - self.out_base)
        if n == 0:
            return np.zeros(0, np.float32)
        if n > self.out.size:
            self.out = np.concatenate([self.out, np.zeros(n - self.out.size, np.float32)])
            self.wsum = np.concatenate([self.wsum, np.zeros(n - self.wsum.size, np.float32)])
        w = self.wsum[:n]
        done = np.where(w > 1e-3, self.out[:n] / np.maximum(w, 1e-3), 0.0).astype(np.float32)
        self.out, self.wsum = self.out[n:], self.wsum[n:]
        self.out_base += n
        # Input before the earliest position a later frame can read is no longer needed.
        keep_from = min(self._nominal(self.k) - self.TOLERANCE, (self.prev or 0) + self.HOP)
        drop = max(0, keep_from - self.base)
        if drop:
            self.buf = self.buf[drop:]
            self.base += drop
        return done

    def push(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, np.float32)
        if self.speed == 1.0:
            return x
        self.buf = np.concatenate([self.buf, x])
        self.total_in += x.size
        while self._need(self.k) <= self.total_in:
            self._frame()
        # Samples before frame k's start are final; never release past the shortest possible output.
        return self._release(min(self.k * self.HOP, int(self.total_in / self.speed)))

    def flush(self) -> np.ndarray:
        if self.speed == 1.0:
            return np.zeros(0, np.float32)
        total_out = int(round(self.total_in / self.speed))
        while self.k * self.HOP < total_out:
            self._frame()
        return self._release(total_out)


def to_s16(samples: np.ndarray) -> bytes:
    return (np.round(np.clip(samples, -1.0, 1.0) * 32767.0)).astype("<i2").tobytes()


def wav_header(sample_rate: int, data_bytes: int | None) -> bytes:
    """A 44-byte PCM s16 mono header. `None` writes the 0xFFFFFFFF sizes a stream uses (as OpenAI does),
    since the length is unknown when the header goes out."""
    riff = 0xFFFFFFFF if data_bytes is None else 36 + data_bytes
    data = 0xFFFFFFFF if data_bytes is None else data_bytes
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        riff,
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        sample_rate,
        sample_rate * 2,
        2,
        16,
        b"data",
        data,
    )


class _Sink(io.RawIOBase):
    """A seekable in-memory file that remembers how much of it has been handed out."""

    def __init__(self) -> None:
        super().__init__()
        self.buf = bytearray()
        self.pos = 0
        self.taken = 0

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, b) -> int:
        b = bytes(b)
        self.buf[self.pos : self.pos + len(b)] = b
        self.pos += len(b)
        return len(b)

    def read(self, n: int = -1) -> bytes:
        end = len(self.buf) if n is None or n < 0 else self.pos + n
        data = bytes(self.buf[self.pos : end])
        self.pos += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = offset if whence == 0 else self.pos + offset if whence == 1 else len(self.buf) + offset
        return self.pos

    def tell(self) -> int:
        return self.pos

    def take(self) -> bytes:
        data = bytes(self.buf[self.taken :])
        self.taken = len(self.buf)
        return data


def _ogg_crc_table() -> list[int]:
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else (r << 1)
        table.append(r & 0xFFFFFFFF)
    return table


_OGG_CRC = _ogg_crc_table()
OGG_SERIAL = 0x566F7874  # "Voxt"


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for b in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _OGG_CRC[((crc >> 24) ^ b) & 0xFF]
    return crc


class _OggSerial:
    """Rewrites each Ogg page's stream serial number to a constant. libsndfile picks a random one,
    which would make two encodings of the same audio differ."""

    def __init__(self) -> None:
        self.carry = b""

    def __call__(self, data: bytes) -> bytes:
        data = self.carry + data
        out, i = bytearray(), 0
        while len(data) - i >= 27:
            if data[i : i + 4] != b"OggS":
                raise ValueError("unexpected bytes in the Ogg stream")
            n_seg = data[i + 26]
            if len(data) - i < 27 + n_seg:
                break
            size = 27 + n_seg + sum(data[i + 27 : i + 27 + n_seg])
            if len(data) - i < size:
                break
            page = bytearray(data[i : i + size])
            page[14:18] = struct.pack("<I", OGG_SERIAL)
            page[22:26] = b"\0\0\0\0"
            page[22:26] = struct.pack("<I", _ogg_crc(bytes(page)))
            out += page
            i += size
        self.carry = data[i:]
        return bytes(out)


class Encoder:
    """Samples in, bytes out. `push`/`finish` give the streamed bytes; `file()` the whole file, whose
    header holds what only the end knows (WAV sizes, FLAC STREAMINFO, MP3 Xing frame). Streamed
    bytes equal `file()` outside that header, and exactly for pcm and opus."""

    # libsndfile flushes an Ogg page per write call, so feeding fixed blocks keeps bytes independent
    # of how the waveform was cut.
    BLOCK = 4800

    def __init__(self, fmt: str, sample_rate: int) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unsupported response_format {fmt!r}; use one of {', '.join(FORMATS)}")
        self.fmt, self.sample_rate = fmt, sample_rate
        self.n_samples = 0
        self.header_sent = fmt != "wav"
        self.pending = np.zeros(0, np.float32)
        self.parts: list[bytes] = []
        self.sink: _Sink | None = None
        self.fix = _OggSerial() if fmt == "opus" else None
        self.fixed: list[bytes] = []
        self.sf: sf.SoundFile | None = None
        if fmt in ("flac", "mp3", "opus"):
            self.sink = _Sink()
            container, subtype = {
                "flac": ("FLAC", "PCM_16"),
                "mp3": ("MP3", "MPEG_LAYER_III"),
                "opus": ("OGG", "OPUS"),
            }[fmt]
            self.sf = sf.SoundFile(
                self.sink, "w", samplerate=sample_rate, channels=1, format=container, subtype=subtype
            )

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt]

    def _emit(self, data: bytes) -> bytes:
        if self.sink is None:
            self.parts.append(data)
        return data

    def _take(self) -> bytes:
        data = self.sink.take()
        if self.fix is not None:
            data = self.fix(data)
            self.fixed.append(data)
        return data

    def push(self, samples: np.ndarray) -> bytes:
        samples = np.asarray(samples, np.float32)
        head = b""
        if not self.header_sent:
            head = self._emit(wav_header(self.sample_rate, None))
            self.header_sent = True
        self.n_samples += samples.size
        if self.sf is None:
            return head + self._emit(to_s16(samples))
        self.pending = np.concatenate([self.pending, samples])
        n = self.pending.size // self.BLOCK * self.BLOCK
        for i in range(0, n, self.BLOCK):
            self.sf.write(np.clip(self.pending[i : i + self.BLOCK], -1.0, 1.0))
        self.pending = self.pending[n:]
        return self._take()

    def finish(self) -> bytes:
        """The stream's last bytes."""
        head = b"" if self.header_sent else self.push(np.zeros(0, np.float32))
        if self.sf is None:
            return head
        if self.pending.size:
            self.sf.write(np.clip(self.pending, -1.0, 1.0))
            self.pending = self.pending[:0]
        self.sf.close()
        return self._take()

    def file(self) -> bytes:
        """The whole file, after `finish()`, with its header completed."""
        if self.fix is not None:
            return b"".join(self.fixed)
        if self.sink is not None:
            return bytes(self.sink.buf)
        data = b"".join(self.parts)
        if self.fmt == "wav":
            data = wav_header(self.sample_rate, len(data) - 44) + data[44:]
        return data


class OutputStream:
    """One response's waveform path: time-stretch, then `postprocess`, then the watermark, then the encoder.
    `marker` is the response's own `Watermarker` (it carries state from piece to piece); None: unmarked."""

    def __init__(self, fmt: str, sample_rate: int, speed: float = 1.0, marker=None) -> None:
        self.sample_rate = sample_rate
        self.marker = marker
        self.stretch = TimeStretch(speed)
        self.encoder = Encoder(fmt, sample_rate)
        self.samples_out = 0

    def _out(self, wave: np.ndarray) -> bytes:
        wave = postprocess(wave, self.sample_rate)
        if self.marker is not None:
            wave = self.marker.push(wave)
        self.samples_out += wave.size
        return self.encoder.push(wave) if wave.size else b""

    def push(self, wave: np.ndarray) -> bytes:
        return self._out(self.stretch.push(wave))

    def finish(self) -> bytes:
        data = self._out(self.stretch.flush())
        return data + self.encoder.finish()

    @property
    def seconds(self) -> float:
        return self.samples_out / self.sample_rate
