"""recipes/default/build_corpus.py: a snapshot of a half-built corpus is a usable, honest manifest."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import load_script


def load():
    return load_script("recipes/default/build_corpus.py")


def test_snapshot_lists_only_finished_clips_and_leaves_the_real_manifest_alone(tmp_path: Path) -> None:
    bc = load()
    voices = bc.teachers.select_voices("permissive", bc.LANGUAGES)  # planning needs no engine installed
    jobs, _ = bc.build_plan(voices, bc.PROFILES["smoke"], seed=1234)
    train = [j for j in jobs if j.split == "train"]
    assert len(train) >= 6
    # Three finished clips with audio, one whose audio a kill left missing, one that failed.
    finished, no_audio, failed = train[:3], train[3], train[4]
    journal = {}
    for j in [*finished, no_audio]:
        journal[j.id] = {"ok": True, "duration": 1.5, "id": j.id}
    journal[failed.id] = {"ok": False, "id": failed.id}
    for j in finished:
        (tmp_path / j.audio).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / j.audio).write_bytes(b"flac")

    by_split = bc.write_outputs(tmp_path, jobs, journal, suffix=".partial")

    rows = [json.loads(x) for x in (tmp_path / "manifest.partial.jsonl").read_text().splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(j.id for j in finished)
    assert all((tmp_path / r["audio"]).exists() for r in rows)
    assert len(by_split["train"]) == 3
    # The pipeline takes manifest.jsonl as "corpus done"; a snapshot must never write it.
    assert not (tmp_path / "manifest.jsonl").exists()
    assert (tmp_path / "heldout_speakers.partial.jsonl").exists()


def test_synthesize_journals_each_clip_before_handing_it_on(tmp_path: Path, monkeypatch) -> None:
    bc = load()
    voices = bc.teachers.select_voices("permissive", bc.LANGUAGES)
    jobs = [j for j in bc.build_plan(voices, bc.PROFILES["smoke"], seed=1234)[0] if j.split == "train"][:3]
    results = [{"ok": True, "duration": 1.0}, {"ok": False, "reason": "silent"}, {"ok": True, "duration": 2.0}]
    monkeypatch.setattr(bc, "run_pool", lambda todo, out, workers: iter(list(zip(todo, results))))
    journal: dict = {}
    path = tmp_path / "journal.jsonl"
    for n, j, res in bc.synthesize(jobs, tmp_path, 1, journal, path):
        # A kill right after this clip must find it in the journal on disk already.
        assert bc.load_journal(path)[j.id]["ok"] == res["ok"] and n == jobs.index(j) + 1
    assert set(journal) == {j.id for j in jobs}
    assert [journal[j.id]["teacher"] for j in jobs] == [j.identity.voice.engine for j in jobs]
