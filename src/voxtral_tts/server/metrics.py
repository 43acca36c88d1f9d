"""Prometheus text exposition, written by hand: a few counters, gauges and histograms."""

from __future__ import annotations

import threading
from collections import defaultdict

TTFA_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
RTF_BUCKETS = (0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 5.0, 10.0)


class Histogram:
    def __init__(self, buckets: tuple[float, ...]) -> None:
        self.buckets = buckets
        self.counts = [0] * len(buckets)
        self.sum = 0.0
        self.n = 0

    def observe(self, v: float) -> None:
        for i, b in enumerate(self.buckets):
            if v <= b:
                self.counts[i] += 1
        self.sum += v
        self.n += 1


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.errors: dict[tuple[str, int], int] = defaultdict(int)
        self.ttfa = Histogram(TTFA_BUCKETS)
        self.rtf = Histogram(RTF_BUCKETS)
        self.audio_seconds = 0.0
        self.cancelled = 0
        self.timeouts = 0

    def request(self, method: str, route: str, status: int) -> None:
        with self._lock:
            self.requests[(method, route, status)] += 1
            if status >= 400:
                self.errors[(route, status)] += 1

    def first_audio(self, seconds: float) -> None:
        with self._lock:
            self.ttfa.observe(seconds)

    def finished(self, wall: float, audio_seconds: float) -> None:
        with self._lock:
            self.audio_seconds += audio_seconds
            if audio_seconds > 0:
                self.rtf.observe(wall / audio_seconds)

    def render(self, gauges: dict[str, tuple[str, float]]) -> str:
        lines: list[str] = []

        def head(name: str, kind: str, help_: str) -> None:
            lines.append(f"# HELP {name} {help_}")
            lines.append(f"# TYPE {name} {kind}")

        with self._lock:
            head("voxtral_requests_total", "counter", "HTTP requests by method, route and status.")
            for (m, r, s), n in sorted(self.requests.items()):
                lines.append(f'voxtral_requests_total{{method="{m}",route="{r}",status="{s}"}} {n}')
            head("voxtral_errors_total", "counter", "HTTP responses with status >= 400, by route and status.")
            for (r, s), n in sorted(self.errors.items()):
                lines.append(f'voxtral_errors_total{{route="{r}",status="{s}"}} {n}')
            head("voxtral_audio_seconds_total", "counter", "Seconds of audio sent.")
            lines.append(f"voxtral_audio_seconds_total {self.audio_seconds:.3f}")
            head("voxtral_cancelled_total", "counter", "Generations cancelled by a client disconnect.")
            lines.append(f"voxtral_cancelled_total {self.cancelled}")
            head("voxtral_timeouts_total", "counter", "Generations stopped by the per-request timeout.")
            lines.append(f"voxtral_timeouts_total {self.timeouts}")
            for name, (help_, value) in gauges.items():
                head(name, "gauge", help_)
                lines.append(f"{name} {value:g}")
            for name, hist, help_ in (
                ("voxtral_time_to_first_audio_seconds", self.ttfa, "From request arrival to the first audio bytes."),
                ("voxtral_rtf", self.rtf, "Real-time factor: wall time per second of audio, per request."),
            ):
                head(name, "histogram", help_)
                for b, c in zip(hist.buckets, hist.counts):
                    lines.append(f'{name}_bucket{{le="{b:g}"}} {c}')
                lines.append(f'{name}_bucket{{le="+Inf"}} {hist.n}')
                lines.append(f"{name}_sum {hist.sum:.6f}")
                lines.append(f"{name}_count {hist.n}")
        return "\n".join(lines) + "\n"
