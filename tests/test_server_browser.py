"""The web page in headless Chromium (Debian's `chromium`, driven by Playwright): type, pick a voice
or upload a reference, hear it stream, see the waveform."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

from test_server_fixtures import ALICE, LiveServer, tone  # noqa: E402

from voxtral_tts import VoxtralTTS  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture(scope="module")
def page_server(tts: VoxtralTTS, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(tts, data_dir=tmp_path_factory.mktemp("page"), api_keys=[ALICE], max_seconds=3.0) as s:
        yield s


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
                "--autoplay-policy=no-user-gesture-required",
                "--use-fake-ui-for-media-stream",
            ],
        )
        yield b
        b.close()


def speak_and_wait(page) -> dict:
    page.click("#speak")
    page.wait_for_function("window.voxtral.state === 'done' || window.voxtral.state === 'error'", timeout=60_000)
    # Played, not only received: every scheduled buffer reaches its end on the audio clock.
    page.wait_for_function(
        "window.voxtral.ended > 0 && window.voxtral.ended === window.voxtral.scheduled", timeout=30_000
    )
    return page.evaluate("window.voxtral")


def waveform_pixels(page) -> int:
    """Lit pixels on the waveform canvas."""
    return page.evaluate(
        """() => { const c = document.getElementById('wave'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] > 128) n++; return n; }"""
    )


def test_page_asks_for_the_key_then_speaks_a_preset_voice(page_server: LiveServer, browser, tmp_path: Path) -> None:
    page = browser.new_page()
    response = page.goto(page_server.url + "/")
    assert response.status == 401  # no key yet: the page is all there is
    page.wait_for_selector("#keybox", state="visible")
    page.fill("#key", ALICE)
    page.dispatch_event("#key", "change")
    page.wait_for_function("document.querySelectorAll('#voice option').length === 2")
    page.select_option("#voice", "tiny_female")
    page.fill("#text", "Hello from the browser.")
    state = speak_and_wait(page)
    assert state["state"] == "done" and state["error"] is None
    assert state["samples"] > 0 and state["bytes"] == 2 * state["samples"] and state["firstAudioMs"] is not None
    assert waveform_pixels(page) > 50
    assert page.is_visible("#player") and "Done" in page.inner_text("#status")
    page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    page.close()


def test_page_clones_from_an_uploaded_reference(page_server: LiveServer, browser, tmp_path: Path) -> None:
    clip = tmp_path / "me.wav"
    clip.write_bytes(tone(4.0))
    page = browser.new_page()
    page.add_init_script(f"localStorage.setItem('voxtral-key', '{ALICE}')")
    assert page.goto(page_server.url + "/").status == 401
    page.set_input_files("#ref-file", str(clip))
    page.wait_for_function("document.getElementById('ref-info').textContent.includes('4.0 s')")
    page.fill("#text", "Now in my voice.")
    state = speak_and_wait(page)
    assert state["state"] == "done" and state["samples"] > 0
    assert waveform_pixels(page) > 50
    # And keep it as a voice of this key.
    page.fill("#save-name", "browser_voice")
    page.fill("#consent-speaker", "Page Tester")
    page.fill("#consent-use", "browser test")
    page.check("#consent")
    page.click("#save")
    page.wait_for_function("[...document.querySelectorAll('#voice option')].some(o => o.value === 'browser_voice')")
    page.close()
