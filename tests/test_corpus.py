"""`stripper corpus`: records in, the same records out in order with one field cleaned."""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import CLEAN, PAGE, S1, S2

import stripper
from stripper import corpus
from stripper.corpus import main
from stripper.labels import JUNK_LABELS

SMALL = f"{S1}\n\nإعلان\n\n{S2}\n\nالمصدر: وكالة الأنباء الأردنية (بترا)\n"

RECORDS: list[dict[str, Any]] = [
    {"id": "page", "text": PAGE, "meta": {"site": "المنارة", "n": [1, 2.5, None]}},
    {"id": "clean", "text": CLEAN, "score": 1.0},
    {"id": "small", "text": SMALL, "lang": "ar"},
    {"id": "crlf", "text": SMALL.replace("\n", "\r\n"), "flag": True},
    {"id": "empty", "text": ""},
    {"id": "blank", "text": "\n\n"},
]


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    """What `strip` makes of each record's text: the contract `stripper corpus` must match."""
    return {r["id"]: stripper.strip(r["text"]) for r in RECORDS}


def _dump(record: object) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def _write_lines(path: Path, lines: list[bytes]) -> Path:
    data = b"".join(line + b"\n" for line in lines)
    if path.name.endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def _read_lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    assert data.endswith(b"\n") or not data
    return data.split(b"\n")[:-1]


def _run(*args: str | Path) -> int:
    return main([str(a) for a in args])


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


# ---------------------------------------------------------------------------------------------
# Records, order and formats.

FORMATS = [
    # (input name, output name)
    ("in.jsonl", "out.jsonl"),
    ("in.jsonl.gz", "out.jsonl.gz"),
    ("in.jsonl", "out.jsonl.gz"),
    ("in.jsonl.gz", "out.jsonl"),
]


@pytest.mark.parametrize(("in_name", "out_name"), FORMATS)
def test_records_cleaned_in_order(tmp_path: Path, expected: dict[str, str], in_name: str, out_name: str) -> None:
    raw = [_dump(r) for r in RECORDS]
    src = _write_lines(tmp_path / in_name, raw)
    out = tmp_path / out_name

    assert _run(src, "-o", out) == 0

    assert (out.read_bytes()[:2] == b"\x1f\x8b") == out_name.endswith(".gz")
    lines = _read_lines(out)
    assert [json.loads(x)["id"] for x in lines] == [r["id"] for r in RECORDS]
    for before, line, record in zip(raw, lines, RECORDS):
        got = json.loads(line)
        assert got["text"] == expected[record["id"]]
        assert {k: v for k, v in got.items() if k != "text"} == {k: v for k, v in record.items() if k != "text"}
        if expected[record["id"]] == record["text"]:
            assert line == before  # an unchanged record is written back byte-for-byte
    assert _leftovers(tmp_path) == []


def test_many_chunks_keep_order(tmp_path: Path, expected: dict[str, str]) -> None:
    records = [dict(r, id=f"{r['id']}-{i}") for i in range(3) for r in RECORDS]
    src = _write_lines(tmp_path / "in.jsonl", [_dump(r) for r in records])
    out = tmp_path / "out.jsonl"

    assert _run(src, "-o", out, "--batch-size", "2") == 0

    got = [json.loads(x) for x in _read_lines(out)]
    assert [g["id"] for g in got] == [r["id"] for r in records]
    assert [g["text"] for g in got] == [expected[r["id"].rsplit("-", 1)[0]] for r in records]


@pytest.mark.parametrize(("docs", "max_bytes", "sizes"), [
    (2, 1 << 20, [2, 2, 1]),
    (256, 1 << 20, [5]),
    (256, 1, [1, 1, 1, 1, 1]),  # a chunk closes at CHUNK_BYTES whatever its record count
])
def test_input_is_read_in_bounded_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docs: int,
                                         max_bytes: int, sizes: list[int]) -> None:
    monkeypatch.setattr(corpus, "CHUNK_BYTES", max_bytes)
    src = _write_lines(tmp_path / "in.jsonl.gz", [_dump({"text": str(i)}) for i in range(5)])

    chunks = list(corpus.Source(src).chunks(docs))

    assert [len(c.items) for c in chunks] == sizes
    assert [c.first_line for c in chunks] == [1 + sum(sizes[:i]) for i in range(len(sizes))]
    assert chunks[-1].position == src.stat().st_size


def test_several_inputs_are_concatenated(tmp_path: Path, expected: dict[str, str]) -> None:
    a = _write_lines(tmp_path / "a.jsonl", [_dump(RECORDS[0])])
    b = _write_lines(tmp_path / "b.jsonl.gz", [_dump(RECORDS[2])])
    out = tmp_path / "out.jsonl"

    assert _run(a, b, "-o", out) == 0

    assert [json.loads(x)["text"] for x in _read_lines(out)] == [expected["page"], expected["small"]]


def test_framing_crlf_bom_and_no_final_newline(tmp_path: Path) -> None:
    unchanged = _dump({"id": 1, "title": "no text field, so written back as it was"})
    changed = _dump({"id": 2, "text": SMALL})
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + unchanged + b"\r\n" + changed)
    out = tmp_path / "out.jsonl"

    assert _run(src, "-o", out) == 0

    lines = _read_lines(out)
    assert lines[0] == unchanged
    assert json.loads(lines[1])["text"] == stripper.strip(SMALL)


@pytest.mark.parametrize(("field", "extra"), [
    ("body", []),
    ("text", ["--keep", "source"]),
    ("text", ["--keep", "ad,source"]),
    ("text", ["--threshold", "0.95"]),
    ("text", ["--keep", "tags", "--threshold", "0.3", "--batch-size", "1"]),
])
def test_options_as_strip(tmp_path: Path, field: str, extra: list[str]) -> None:
    src = _write_lines(tmp_path / "in.jsonl", [_dump({field: r["text"]}) for r in RECORDS])
    out = tmp_path / "out.jsonl"

    assert _run(src, "-o", out, "--field", field, *extra) == 0

    keep = [k for i, a in enumerate(extra) if a == "--keep" for k in extra[i + 1].split(",")]
    threshold = float(extra[extra.index("--threshold") + 1]) if "--threshold" in extra else None
    want = [stripper.strip(r["text"], keep=keep, threshold=threshold) for r in RECORDS]
    assert [json.loads(x)[field] for x in _read_lines(out)] == want


# ---------------------------------------------------------------------------------------------
# Records that cannot be cleaned are passed through and counted.

PASS_THROUGH = [
    # (line, counter in documents.passed_through or None for a blank line)
    (_dump({"id": "no-field", "title": "x"}), "missing_field"),
    (_dump({"id": "null", "text": None}), "not_string"),
    (_dump({"id": "number", "text": 5}), "not_string"),
    (_dump({"id": "list", "text": ["a"]}), "not_string"),
    (_dump(["an", "array"]), "not_object"),
    (_dump("a string"), "not_object"),
    (b"   ", None),
]


def test_unusable_records_pass_through_and_are_counted(tmp_path: Path) -> None:
    lines = [line for line, _ in PASS_THROUGH] + [_dump({"text": SMALL})]
    src = _write_lines(tmp_path / "in.jsonl", lines)
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"

    assert _run(src, "-o", out, "--stats", stats) == 0

    got = _read_lines(out)
    assert got[:-1] == [line for line, _ in PASS_THROUGH]
    assert json.loads(got[-1])["text"] == stripper.strip(SMALL)
    docs = json.loads(stats.read_text(encoding="utf-8"))["documents"]
    for counter in ("missing_field", "not_string", "not_object"):
        assert docs["passed_through"][counter] == sum(1 for _, c in PASS_THROUGH if c == counter)
    assert docs["read"] == len(lines) - 1
    assert docs["blank_lines"] == 1
    assert docs["stripped"] == 1


MALFORMED = [b"{bad json", b'{"text": "unterminated', b"\xff\xfe not utf-8", b"{}}"]


def test_malformed_lines_reported_and_passed_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _dump({"text": SMALL})
    lines = [MALFORMED[0], good, *MALFORMED[1:], good]
    src = _write_lines(tmp_path / "in.jsonl", lines)
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"

    assert _run(src, "-o", out, "--stats", stats) == 0

    err = capsys.readouterr().err
    for number in (1, 3, 4, 5):
        assert f"stripper: {src}:{number}: malformed JSON (" in err
    assert f"{src}:2:" not in err and f"{src}:6:" not in err
    got = _read_lines(out)
    assert [got[i] for i in (0, 2, 3, 4)] == MALFORMED
    assert json.loads(got[1])["text"] == json.loads(got[5])["text"] == stripper.strip(SMALL)
    assert json.loads(stats.read_text(encoding="utf-8"))["documents"]["malformed_lines"] == len(MALFORMED)


def test_strict_stops_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write_lines(tmp_path / "in.jsonl", [_dump({"text": SMALL}), b"{bad", _dump({"text": SMALL})])
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"old output\n")

    assert _run(src, "-o", out, "--strict") == 2

    err = capsys.readouterr().err
    assert f"stripper: {src}:2: malformed JSON (" in err
    assert out.read_bytes() == b"old output\n"
    assert _leftovers(tmp_path) == []


# ---------------------------------------------------------------------------------------------
# Statistics.


def test_stats_json(tmp_path: Path, expected: dict[str, str]) -> None:
    src = _write_lines(tmp_path / "in.jsonl", [_dump(r) for r in RECORDS])
    out, stats_path = tmp_path / "out.jsonl", tmp_path / "stats.json"

    assert _run(src, "-o", out, "--stats", stats_path) == 0

    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    texts = {r["id"]: r["text"] for r in RECORDS}
    changed = [k for k in texts if expected[k] != texts[k]]
    assert stats["documents"]["read"] == stats["documents"]["stripped"] == len(RECORDS)
    assert stats["documents"]["changed"] == len(changed)
    nonblank = {k: [x for x in t.replace("\r", "").split("\n") if x.strip()] for k, t in texts.items()}
    kept = {k: [x for x in t.replace("\r", "").split("\n") if x.strip()] for k, t in expected.items()}
    assert stats["lines"]["read"] == sum(len(v) for v in nonblank.values())
    assert stats["lines"]["removed"] == sum(len(nonblank[k]) - len(kept[k]) for k in texts)
    assert stats["lines"]["removed"] > 0
    assert stats["characters"]["read"] == sum(len(t) for t in texts.values())
    assert stats["characters"]["removed"] == sum(len(texts[k]) - len(expected[k]) for k in texts)
    by_label = stats["lines"]["removed_by_label"]
    assert set(by_label) == set(JUNK_LABELS)
    assert sum(by_label.values()) == stats["lines"]["removed"]
    removed_chars = sum(len(x) for k in texts for x in nonblank[k]) - sum(len(x) for k in texts for x in kept[k])
    assert sum(stats["characters"]["removed_by_label"].values()) == removed_chars
    # Exactly the labels strip removed the lines under.
    verdicts = stripper.Stripper().judge_many(list(texts.values()))
    removed = [line for verdict in verdicts for line in verdict.removed]
    assert by_label == {label: sum(1 for x in removed if x.label == label) for label in JUNK_LABELS}
    assert stats["characters"]["removed_by_label"] == {
        label: sum(len(x.text) for x in removed if x.label == label) for label in JUNK_LABELS}
    assert stats["bytes"]["text"] == sum(len(t.encode("utf-8")) for t in texts.values())
    assert set(stats["throughput"]) == {"seconds", "documents_per_second", "text_mb_per_second",
                                        "input_mb_per_second"}
    assert "ensure_ascii=False" in stats["serialization"]


def test_kept_labels_are_never_counted_as_removed(tmp_path: Path) -> None:
    src = _write_lines(tmp_path / "in.jsonl", [_dump({"text": PAGE})])
    stats = tmp_path / "stats.json"

    assert _run(src, "-o", tmp_path / "out.jsonl", "--stats", stats, "--keep", "ad", "--keep", "source") == 0

    by_label = json.loads(stats.read_text(encoding="utf-8"))["lines"]["removed_by_label"]
    assert by_label["ad"] == by_label["source"] == 0


# ---------------------------------------------------------------------------------------------
# Parallel runs.


@pytest.mark.parametrize("method", [None, "spawn"])
def test_two_jobs_give_the_same_bytes_with_bounded_read_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             method: str | None) -> None:
    monkeypatch.setattr(corpus, "START_METHOD", method)  # None: the default choice (fork on Linux)
    records = [dict(r, id=f"{r['id']}-{i}") for i in range(4) for r in RECORDS]
    src = _write_lines(tmp_path / "in.jsonl", [_dump(r) for r in records] + [b"{bad"])
    # Same name in two folders: the gzip header holds the output's name (and mtime 0, so no date).
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = tmp_path / "a" / "out.jsonl.gz", tmp_path / "b" / "out.jsonl.gz"
    one_stats, two_stats = tmp_path / "one.json", tmp_path / "two.json"

    assert _run(src, "-o", one, "-j", "1", "--stats", one_stats, "--batch-size", "2") == 0

    read_ahead: list[int] = []
    pulled = 0
    real_all_chunks, real_run_chunks = corpus._all_chunks, corpus.run_chunks

    def counting_chunks(sources: Any, docs: int) -> Iterator[corpus.Chunk]:
        nonlocal pulled
        for chunk in real_all_chunks(sources, docs):
            pulled += 1
            yield chunk

    def watching_run(chunks: Any, config: corpus.Config, jobs: int) -> Iterator[corpus.Result]:
        for done, result in enumerate(real_run_chunks(chunks, config, jobs), 1):
            read_ahead.append(pulled - done)
            yield result

    monkeypatch.setattr(corpus, "_all_chunks", counting_chunks)
    monkeypatch.setattr(corpus, "run_chunks", watching_run)
    assert _run(src, "-o", two, "-j", "2", "--stats", two_stats, "--batch-size", "2") == 0

    assert two.read_bytes() == one.read_bytes()
    assert max(read_ahead) <= 2 * corpus.IN_FLIGHT_PER_JOB
    first, second = (json.loads(p.read_text(encoding="utf-8")) for p in (one_stats, two_stats))
    for key in ("documents", "lines", "characters", "bytes"):
        assert first[key] == second[key]


# ---------------------------------------------------------------------------------------------
# Failures leave no partial output.


def test_output_goes_through_a_temporary_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _write_lines(tmp_path / "in.jsonl", [_dump({"text": SMALL})])
    out = tmp_path / "out.jsonl"
    moves: list[tuple[str, str]] = []
    real_replace = os.replace

    def recording_replace(a: Any, b: Any) -> None:
        moves.append((Path(a).name, Path(b).name))
        real_replace(a, b)

    monkeypatch.setattr(corpus.os, "replace", recording_replace)
    assert _run(src, "-o", out) == 0
    assert moves == [(f"out.jsonl.tmp-{os.getpid()}", "out.jsonl")]


def test_failure_midway_leaves_old_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _write_lines(tmp_path / "in.jsonl", [_dump({"text": SMALL})] * 3)
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"old output\n")
    real_process = corpus.Worker.process
    calls = 0

    def failing_process(self: corpus.Worker, chunk: corpus.Chunk) -> corpus.Result:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("worker died")
        return real_process(self, chunk)

    monkeypatch.setattr(corpus.Worker, "process", failing_process)
    with pytest.raises(RuntimeError, match="worker died"):
        _run(src, "-o", out, "--batch-size", "1")

    assert out.read_bytes() == b"old output\n"
    assert _leftovers(tmp_path) == []


def test_write_error_reported_and_cleaned_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    src = _write_lines(tmp_path / "in.jsonl", [_dump({"text": SMALL})])
    out = tmp_path / "out.jsonl.gz"

    def full_disk(self: corpus.JsonlSink, rows: list[bytes]) -> None:
        raise OSError(28, "No space left on device", str(out))

    monkeypatch.setattr(corpus.JsonlSink, "write", full_disk)
    assert _run(src, "-o", out) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert not out.exists()
    assert _leftovers(tmp_path) == []


# ---------------------------------------------------------------------------------------------
# Usage errors.


def test_missing_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.jsonl"
    out = tmp_path / "out.jsonl"

    assert _run(missing, "-o", out) == 2

    assert capsys.readouterr().err == f"stripper: {missing}: No such file\n"
    assert not out.exists()


@pytest.mark.parametrize("args", [
    ["--threshold", "2"],
    ["--threshold", "0"],
    ["--keep", "nonsense"],
    ["-j", "-1"],
    ["--batch-size", "0"],
])
def test_bad_options_exit_2(tmp_path: Path, args: list[str]) -> None:
    src = _write_lines(tmp_path / "in.jsonl", [_dump({"text": SMALL})])
    with pytest.raises(SystemExit) as exc:
        _run(src, "-o", tmp_path / "out.jsonl", *args)
    assert exc.value.code == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--model", "m.joblib"], "add --trusted"),
    (["--model", "missing.joblib", "--trusted"], "No such model file"),
    (["-o", "no-such-dir/out.jsonl"], "No such directory"),
    (["--stats", "no-such-dir/stats.json"], "No such directory"),
])
def test_bad_paths_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                          args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.joblib").write_bytes(b"not a model")
    _write_lines(tmp_path / "in.jsonl", [_dump({"text": SMALL})])
    output = [] if "-o" in args else ["-o", "out.jsonl"]

    assert _run("in.jsonl", *output, *args) == 2

    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


# ---------------------------------------------------------------------------------------------
# Progress.


def test_quiet_when_stderr_is_not_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write_lines(tmp_path / "in.jsonl", [_dump({"text": SMALL})])
    assert _run(src, "-o", tmp_path / "out.jsonl") == 0
    assert capsys.readouterr() == ("", "")


def test_progress_bar_shows_documents_and_rates() -> None:
    stream = io.StringIO()
    bar = corpus.Progress(total_bytes=1000, enabled=True, stream=stream)
    bar.update(docs=1234, text_bytes=5_000_000, position=500, force=True)
    bar.finish()
    shown = stream.getvalue()
    assert "50%" in shown and "1,234 docs" in shown and "docs/s" in shown and "MB/s" in shown
    assert shown.endswith("\n")

    silent = io.StringIO()
    corpus.Progress(total_bytes=1000, enabled=False, stream=silent).update(1, 1, 1, force=True)
    assert silent.getvalue() == ""


# ---------------------------------------------------------------------------------------------
# Parquet.

PARQUET = [
    # (input name, output name)
    ("in.jsonl", "out.parquet"),
    ("in.parquet", "out.parquet"),
    ("in.parquet", "out.jsonl.gz"),
]


@pytest.mark.parametrize(("in_name", "out_name"), PARQUET)
def test_parquet_round_trip(tmp_path: Path, expected: dict[str, str], in_name: str, out_name: str) -> None:
    pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow: pip install 'arabic-news-stripper[parquet]'")
    import pyarrow.parquet as pq

    rows = [{"id": r["id"], "text": r["text"], "n": i} for i, r in enumerate(RECORDS)]
    src = tmp_path / in_name
    if in_name.endswith(".parquet"):
        pq.write_table(pa.Table.from_pylist(rows), src)
    else:
        _write_lines(src, [_dump(r) for r in rows])
    out = tmp_path / out_name

    assert _run(src, "-o", out) == 0

    parquet_out = out_name.endswith(".parquet")
    got = pq.read_table(out).to_pylist() if parquet_out else [json.loads(x) for x in _read_lines(out)]
    assert got == [dict(r, text=expected[r["id"]]) for r in rows]
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("out_name", ["out.jsonl", "out.jsonl.gz", "out.parquet"])
def test_empty_input_gives_empty_output(tmp_path: Path, out_name: str) -> None:
    if out_name.endswith(".parquet"):
        pytest.importorskip("pyarrow", reason="Parquet needs pyarrow")
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"")
    out, stats = tmp_path / out_name, tmp_path / "stats.json"

    assert _run(src, "-o", out, "--stats", stats) == 0

    if out_name.endswith(".parquet"):
        import pyarrow.parquet as pq

        assert pq.read_table(out).num_rows == 0
    else:
        assert _read_lines(out) == []
    assert json.loads(stats.read_text(encoding="utf-8"))["documents"]["read"] == 0


def test_parquet_refuses_fields_outside_its_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pyarrow", reason="Parquet needs pyarrow")
    src = _write_lines(tmp_path / "in.jsonl", [_dump({"text": SMALL}), _dump({"text": SMALL, "late": 1})])
    out = tmp_path / "out.parquet"

    assert _run(src, "-o", out, "--batch-size", "1") == 1

    assert "late" in capsys.readouterr().err
    assert not out.exists()
    assert _leftovers(tmp_path) == []
