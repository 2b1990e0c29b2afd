"""Speaking the cues in the terminal: offline text-to-speech through pyttsx3.

pyttsx3 drives the system's voices: espeak-ng on Linux (``apt-get install espeak-ng
alsa-utils``: it plays through ``aplay``), NSSpeechSynthesizer on macOS, SAPI5 on Windows.
Nothing is downloaded. :class:`Speaker` speaks on its own thread; a cue that waited too long
behind another (the lifter has moved on) is skipped, a count never is.
"""

from __future__ import annotations

import logging
import platform
import queue
import shutil
import subprocess
import threading
import time
from typing import Any, Protocol

from thrustcoach.errors import DependencyMissingError
from thrustcoach.live.coach import Cue

__all__ = ["Pyttsx3Voice", "Speaker", "Voice", "open_voice"]

logger = logging.getLogger(__name__)

# A cue that has waited longer than this to be spoken is dropped (counts are kept).
STALE_S = 1.5


class Voice(Protocol):
    def say(self, text: str) -> None:
        """Speak ``text`` and return when done."""
        ...

    def close(self) -> None: ...


class Pyttsx3Voice:
    """An English system voice through pyttsx3, a little faster than the default."""

    def __init__(self, *, rate_wpm: int = 190) -> None:
        try:
            import pyttsx3  # type: ignore[import-untyped]
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise DependencyMissingError(f"pyttsx3 is not installed ({exc})") from None
        try:
            engine: Any = pyttsx3.init()
            voices = engine.getProperty("voices") or []
        except (RuntimeError, OSError, ImportError) as exc:
            raise DependencyMissingError(
                f"no text-to-speech voice on this computer ({exc})",
                hint=_install_hint(),
            ) from None
        if not voices:
            raise DependencyMissingError(
                "no text-to-speech voice on this computer", hint=_install_hint()
            )
        english = [v for v in voices if _is_english(v)]
        if english:
            engine.setProperty("voice", english[0].id)
        engine.setProperty("rate", rate_wpm)
        self._engine = engine

    def say(self, text: str) -> None:
        self._engine.say(text)
        self._engine.runAndWait()

    def close(self) -> None:
        self._engine.stop()


def _is_english(voice: Any) -> bool:
    vid = str(getattr(voice, "id", "")).lower()
    langs = [str(x).lower() for x in getattr(voice, "languages", []) or []]
    return vid.endswith(("/en", "/en-us", "/en-gb")) or any(x.startswith("en") for x in langs)


def _install_hint() -> str:
    if platform.system() == "Linux":
        return (
            "install espeak-ng and alsa-utils (sudo apt-get install espeak-ng alsa-utils), "
            "or drop --speak"
        )
    return "enable a system voice in the operating system's speech settings, or drop --speak"


def _check_audio_output() -> None:
    """On Linux pyttsx3 plays through ``aplay``: make sure it exists and has a device."""
    if platform.system() != "Linux":
        return
    aplay = shutil.which("aplay")
    if aplay is None:
        raise DependencyMissingError(
            "aplay is not installed, so speech cannot be played", hint=_install_hint()
        )
    probe = subprocess.run(
        [aplay, "-q", "-t", "raw", "-f", "S16_LE", "-r", "8000", "-d", "1", "/dev/zero"],
        capture_output=True,
        timeout=5,
        check=False,
    )
    if probe.returncode != 0:
        raise DependencyMissingError(
            "no sound output: aplay cannot open the default audio device",
            hint="connect speakers or headphones (check 'aplay -l'), or drop --speak",
        )


def open_voice() -> Voice:
    """The computer's voice, checked: a one-line error when it cannot speak."""
    voice = Pyttsx3Voice()
    _check_audio_output()
    return voice


class Speaker:
    """Speaks cues on a thread of its own, in order; stale cues are skipped."""

    def __init__(self, voice: Voice) -> None:
        self.voice = voice
        self.spoken: list[str] = []
        self.skipped: list[str] = []
        self._queue: queue.Queue[tuple[float, Cue] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="live-speech", daemon=True)
        self._thread.start()

    def say(self, cue: Cue) -> None:
        self._queue.put((time.monotonic(), cue))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            queued_at, cue = item
            if cue.kind != "count" and time.monotonic() - queued_at > STALE_S:
                self.skipped.append(cue.text)
                continue
            try:
                self.voice.say(cue.text)
                self.spoken.append(cue.text)
            except Exception:  # a voice that fails mid-set must not stop the counting
                logger.exception("speaking %r failed", cue.text)

    def close(self, *, timeout_s: float = 10.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout=timeout_s)
        self.voice.close()
