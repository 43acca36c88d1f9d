"""Corpus layouts: each importer walks one layout and yields `Candidate`s, in a stable order.

Importers only read metadata and list files; they never decode audio. Problems that belong to one
utterance (a malformed metadata line, a missing transcript) come out as a candidate with `problem`
set, so that the job goes on and the summary counts them. Problems with the corpus as a whole (the
folder or the metadata file is missing) raise a DataError.

Speakers of the multi-speaker corpora are prefixed with the corpus name (`libritts-19`, `vctk-p225`,
`cv-1a2b...`) so that manifests of several corpora can be concatenated without clashes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .manifest import DataError, check_language

AUDIO_EXTENSIONS = (".wav", ".flac", ".mp3", ".ogg", ".opus", ".aiff", ".aif", ".au")

# Reason keys for problems found while reading a corpus.
BAD_METADATA = "bad_metadata"
NO_TRANSCRIPT = "no_transcript"


@dataclass
class Candidate:
    """One utterance as the corpus describes it, before its audio is looked at."""

    id: str
    audio: Path
    text: str
    speaker: str
    language: str
    problem: str | None = None
    detail: str = ""


def clean_text(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").split())


def _lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """(line number, text) per line; None for a line that is not UTF-8, so one bad byte costs one line."""
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                yield n, raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                yield n, None


def _read_transcript(path: Path) -> str | None:
    try:
        return clean_text(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def _audio_files(root: Path, exclude: Path | None = None) -> list[Path]:
    files = [
        p
        for p in root.rglob("*")
        if p.suffix.lower() in AUDIO_EXTENSIONS
        and p.is_file()
        and not p.name.startswith(".")
        and (exclude is None or exclude not in p.parents)
    ]
    return sorted(files)


def _need_dir(root: Path, what: str) -> Path:
    if not root.is_dir():
        raise DataError(f"{root}: {what} folder not found")
    return root


def _default_lang(lang: str | None, default: str) -> str:
    return check_language(lang) if lang else default


def ljspeech(src: Path, lang: str | None = None, speaker: str | None = None) -> Iterator[Candidate]:
    """`metadata.csv` lines `id|text|normalized text`, audio in `wavs/<id>.wav`; one speaker."""
    meta = src if src.is_file() else src / "metadata.csv"
    if not meta.is_file():
        raise DataError(f"{meta}: LJSpeech metadata.csv not found")
    root = meta.parent
    language = _default_lang(lang, "en")
    spk = speaker or "ljspeech"
    for n, line in _lines(meta):
        if line is not None and not line.strip():
            continue
        parts = line.split("|", 2) if line is not None else []
        if len(parts) < 2 or not parts[0].strip():
            why = "not UTF-8" if line is None else "expected 'id|text|normalized text'"
            yield Candidate(f"{meta.name}:{n}", meta, "", spk, language, BAD_METADATA, f"{meta}:{n}: {why}")
            continue
        uid = parts[0].strip()
        text = clean_text(parts[2]) if len(parts) > 2 and parts[2].strip() else clean_text(parts[1])
        yield Candidate(uid, root / "wavs" / f"{uid}.wav", text, spk, language)


def libritts(src: Path, lang: str | None = None, speaker: str | None = None) -> Iterator[Candidate]:
    """LibriTTS and LibriTTS-R: `<subset>/<speaker>/<chapter>/<utt>.wav` beside `<utt>.normalized.txt`
    (or `.original.txt`). `src` may be the corpus root or any folder below it."""
    root = _need_dir(src, "LibriTTS")
    language = _default_lang(lang, "en")
    for wav in _audio_files(root):
        uid = wav.stem
        text = None
        for suffix in (".normalized.txt", ".original.txt"):
            t = wav.with_name(uid + suffix)
            if t.is_file():
                text = _read_transcript(t)
                break
        spk = speaker or "libritts-" + uid.split("_", 1)[0]
        if text is None:
            yield Candidate(uid, wav, "", spk, language, NO_TRANSCRIPT, f"{wav}: no .normalized.txt beside it")
        else:
            yield Candidate(uid, wav, text, spk, language)


def _cv_locale(tsv: Path, row_locale: str | None, lang: str | None) -> str:
    if lang:
        return check_language(lang)
    if row_locale:
        return check_language(row_locale, f"{tsv}: locale")
    name = tsv.parent.name
    try:
        return check_language(name)
    except DataError:
        raise DataError(
            f"{tsv}: no 'locale' column and the folder name {name!r} is not a locale; pass --lang"
        ) from None


def commonvoice(src: Path, lang: str | None = None, speaker: str | None = None) -> Iterator[Candidate]:
    """Common Voice: `validated.tsv` (or the .tsv given) with clips in `clips/`. The language is the
    row's `locale`, else the folder name (`cv-corpus-*/<locale>/`); `--lang` overrides both."""
    tsv = src if src.is_file() else src / "validated.tsv"
    if not tsv.is_file():
        raise DataError(f"{tsv}: Common Voice validated.tsv not found")
    clips = tsv.parent / "clips"
    with open(tsv, encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None:
            raise DataError(f"{tsv}: empty file")
        col = {name: i for i, name in enumerate(header)}
        for need in ("client_id", "path", "sentence"):
            if need not in col:
                raise DataError(f"{tsv}: missing column {need!r} (found {', '.join(header)})")
        folder_lang = None
        for row in reader:
            n = reader.line_num
            if not any(row):
                continue
            if len(row) != len(header):
                detail = f"{tsv}:{n}: {len(row)} fields, header has {len(header)}"
                yield Candidate(f"{tsv.name}:{n}", tsv, "", "cv-unknown", lang or "und", BAD_METADATA, detail)
                continue
            name = row[col["path"]].strip()
            if not Path(name).suffix:
                name += ".mp3"
            locale = row[col["locale"]].strip() if "locale" in col else None
            if locale:
                try:
                    language = _cv_locale(tsv, locale, lang)
                except DataError:
                    detail = f"{tsv}:{n}: locale {locale!r} is not a language code"
                    yield Candidate(f"{tsv.name}:{n}", tsv, "", "cv-unknown", "und", BAD_METADATA, detail)
                    continue
            else:
                folder_lang = folder_lang or _cv_locale(tsv, None, lang)
                language = folder_lang
            spk = speaker or "cv-" + row[col["client_id"]].strip()[:16]
            text = clean_text(row[col["sentence"]])
            problem = None if text else NO_TRANSCRIPT
            yield Candidate(Path(name).stem, clips / name, text, spk, language, problem)


_MIC = re.compile(r"_mic\d$")


def vctk(src: Path, lang: str | None = None, speaker: str | None = None) -> Iterator[Candidate]:
    """VCTK: `<audio folder>/<speaker>/<utt>[_micN].<ext>` with `txt/<speaker>/<utt>.txt`. Audio folders
    are found anywhere below `src` (wav48, wav48_silence_trimmed, ...); of two microphones, mic1 is kept."""
    root = _need_dir(src, "VCTK")
    language = _default_lang(lang, "en")
    txt = root / "txt"
    files = _audio_files(root, exclude=txt)
    stems = {(p.parent, p.stem) for p in files}
    for wav in files:
        if wav.stem.endswith("_mic2") and (wav.parent, wav.stem[:-1] + "1") in stems:
            continue
        uid = _MIC.sub("", wav.stem)
        spk_dir = wav.parent.name
        text = None
        for t in (txt / spk_dir / f"{uid}.txt", wav.with_name(f"{uid}.txt")):
            if t.is_file():
                text = _read_transcript(t)
                break
        spk = speaker or f"vctk-{spk_dir}"
        if text is None:
            yield Candidate(uid, wav, "", spk, language, NO_TRANSCRIPT, f"{wav}: no txt/{spk_dir}/{uid}.txt")
        else:
            yield Candidate(uid, wav, text, spk, language)


def folder(src: Path, lang: str | None = None, speaker: str | None = None) -> Iterator[Candidate]:
    """Any folder of audio files, each with a `.txt` or `.lab` transcript of the same name. The speaker
    is --speaker, else the first sub-folder below `src`, else the name of `src` itself."""
    root = _need_dir(src, "audio")
    if not lang:
        raise DataError("--lang is required for --format folder (e.g. --lang en)")
    language = check_language(lang)
    for wav in _audio_files(root):
        rel = wav.relative_to(root)
        uid = rel.with_suffix("").as_posix()
        spk = speaker or (rel.parts[0] if len(rel.parts) > 1 else root.resolve().name)
        text = None
        for ext in (".txt", ".lab"):
            t = wav.with_suffix(ext)
            if t.is_file():
                text = _read_transcript(t)
                break
        if text is None:
            yield Candidate(uid, wav, "", spk, language, NO_TRANSCRIPT, f"{wav}: no .txt or .lab beside it")
        else:
            yield Candidate(uid, wav, text, spk, language)


Importer = Callable[[Path, "str | None", "str | None"], Iterator[Candidate]]

FORMATS: dict[str, Importer] = {
    "ljspeech": ljspeech,
    "libritts": libritts,
    "commonvoice": commonvoice,
    "vctk": vctk,
    "folder": folder,
}


def candidates(fmt: str, src: str | Path, lang: str | None = None, speaker: str | None = None) -> list[Candidate]:
    """All candidates of corpus `src` in layout `fmt`."""
    if fmt not in FORMATS:
        raise DataError(f"unknown corpus format {fmt!r} (choose from {', '.join(FORMATS)})")
    src = Path(src)
    if not src.exists():
        raise DataError(f"{src}: corpus not found")
    return list(FORMATS[fmt](src, lang, speaker))
