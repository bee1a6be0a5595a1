"""Teaching the model a site: `stripper label`, `stripper train` and `stripper evaluate` (stripper.adapt).

data/adapt-example holds ten project-written pages of a fictional site whose junk (a tagline, a
"saying of the day" widget, a republishing note, a call for readers' photos) reads like prose, so
the packaged model keeps all of it. The slow test walks the README's three commands on eight of
them and shows the new model removing that junk from the two it never saw, body intact.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import stripper
from stripper import adapt, cli
from stripper.adapt import SWEEP, main, plan_folds
from stripper.documents import LabelledDoc, read_jsonl, write_jsonl
from stripper.labels import JUNK_LABELS, LABELS
from stripper.model import file_sha256, load_model
from stripper.review import ReviewDoc, ReviewLine, render_page
from stripper.textlines import split_document

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "adapt-example"
SITE = EXAMPLE / "site.jsonl"
RAW = EXAMPLE / "raw"
SHARED = REPO.parent / "shared"
#: Pages of the example site kept out of training: the test of what the new model learnt.
HELD_OUT = ("alwaha-09", "alwaha-10")
#: Composed pages of the project's data in the slow test: enough to keep the general model's knowledge.
SMALL_DEFAULT_DOCS = 600
#: What "learnt the site" means on the held-out pages, and what "unseen" means for the packaged model.
NEW_JUNK_RECALL = 0.8
OLD_JUNK_RECALL = 0.3
BODY_RECALL = 0.95


@pytest.fixture(scope="module", autouse=True)
def _one_model_thread() -> Iterator[None]:
    # As in the CLI itself: OpenMP threads beyond the free cores make prediction many times slower.
    with cli.model_threads():
        yield


@pytest.fixture(scope="module")
def site_docs() -> list[LabelledDoc]:
    """The example site's gold documents."""
    return list(read_jsonl(SITE))


@pytest.fixture
def split(tmp_path: Path, site_docs: list[LabelledDoc]) -> tuple[Path, Path]:
    """The example site as a training file (eight pages) and a held-out file (two pages)."""
    train, held = tmp_path / "train.jsonl", tmp_path / "held.jsonl"
    write_jsonl([d for d in site_docs if d.id not in HELD_OUT], train)
    write_jsonl([d for d in site_docs if d.id in HELD_OUT], held)
    return train, held


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _evaluate(capsys: pytest.CaptureFixture[str], data: Path, *extra: str) -> dict:
    assert main(["evaluate", "--data", str(data), "--json", "-", *extra]) == 0
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------------------------
# The example data.


def test_example_site_is_consistent(site_docs: list[LabelledDoc]) -> None:
    """Every raw page is its gold document, line for line; the held-out pages exist."""
    assert {d.id for d in site_docs} >= set(HELD_OUT)
    assert len(site_docs) == len(list(RAW.glob("*.txt")))
    for doc in site_docs:
        assert doc.site == "alwaha"
        raw = (RAW / f"{doc.id}.txt").read_text(encoding="utf-8")
        assert split_document(raw).lines == [t for t, _ in doc.lines]
        labels = {lab for _, lab in doc.lines if lab}
        assert "body" in labels and labels & set(JUNK_LABELS)


# ---------------------------------------------------------------------------------------------
# stripper label


def test_label_prefills_records_least_certain_first(tmp_path: Path) -> None:
    """One LABELS.md record per file, with scores; ordered by each document's closest call."""
    out = tmp_path / "labels.jsonl"
    assert main(["label", str(RAW), "--site", "alwaha", "--threshold", "0.5", "-o", str(out)]) == 0
    records = _records(out)
    assert sorted(r["id"] for r in records) == sorted(p.stem for p in RAW.glob("*.txt"))
    for record in records:
        assert set(record) == {"id", "site", "lines", "scores"}
        assert record["site"] == "alwaha"
        assert len(record["scores"]) == len(record["lines"])
        raw = (RAW / f"{record['id']}.txt").read_text(encoding="utf-8")
        assert "\n".join(text for text, _ in record["lines"]) + "\n" == raw
        for (text, label), score in zip(record["lines"], record["scores"]):
            if text.strip():
                assert label in LABELS and 0.0 <= score <= 1.0
            else:
                assert label is None and score is None
    # At threshold 0.5 a line's distance from the threshold is its score minus 0.5.
    closest = [min(s for s in r["scores"] if s is not None) for r in records]
    assert closest == sorted(closest)
    # The readers take the file as it is, the extra `scores` key included.
    assert [d.id for d in read_jsonl(out)] == [r["id"] for r in records]


def test_label_site_defaults_to_folder_and_ids_stay_unique(tmp_path: Path) -> None:
    """Without --site the folder names the site; two files with one stem get their paths as ids."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.txt").write_text("قال الوزير إن المشروع سيكتمل العام المقبل.\n", encoding="utf-8")
    out = tmp_path / "labels.jsonl"
    assert main(["label", str(tmp_path / "a" / "page.txt"), str(tmp_path / "b" / "page.txt"), "-o", str(out)]) == 0
    records = _records(out)
    assert sorted(r["site"] for r in records) == ["a", "b"]
    assert len({r["id"] for r in records}) == 2


def test_label_reports_unreadable_files_and_labels_the_rest(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A file that is not UTF-8, or missing, is reported with its reason; the others are labelled."""
    good = tmp_path / "good.txt"
    good.write_text("قال الوزير إن المشروع سيكتمل العام المقبل.\n", encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("café\n".encode("latin-1"))
    missing = tmp_path / "missing.txt"
    out = tmp_path / "labels.jsonl"
    assert main(["label", str(good), str(latin), str(missing), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{latin}: not UTF-8" in err
    assert f"{missing}: no such file" in err
    assert [r["id"] for r in _records(out)] == ["good"]


def test_label_html_review_page(tmp_path: Path) -> None:
    """--html: a right-to-left static page, a coloured row per line, every text escaped."""
    page = tmp_path / "page.txt"
    page.write_text("قال الوزير إن المشروع سيكتمل العام المقبل بتكلفة مليوني دينار.\n\n"
                    "<script>alert('x')</script> & إعلان\n\nجميع الحقوق محفوظة\n", encoding="utf-8")
    out, review = tmp_path / "labels.jsonl", tmp_path / "review.html"
    assert main(["label", str(page), "-o", str(out), "--html", str(review)]) == 0
    html = review.read_text(encoding="utf-8")
    assert '<html dir="rtl" lang="ar">' in html
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; إعلان" in html
    assert html.count('<tr class="line') == 3 and html.count('<tr class="blank"') == 2
    assert all(f'<span class="l-{label}">{label}</span>' in html for label in LABELS)
    # Self-contained: nothing is fetched from anywhere.
    assert "http://" not in html and "https://" not in html and "<link" not in html
    assert "JSONL line 1" in html


def test_review_page_escapes_ids_and_marks_unsure_lines() -> None:
    """Ids, sites and labels are escaped too; a low score is marked for the reviewer."""
    doc = ReviewDoc('a"b<c>', "s&t", [ReviewLine("نص", "body", 0.55), ReviewLine("", None, None),
                                      ReviewLine("إعلان", "ad", 0.99)])
    html = render_page([doc], title="<t>")
    assert "a&quot;b&lt;c&gt;" in html and "s&amp;t" in html and "<title>&lt;t&gt;</title>" in html
    assert html.count('<tr class="line unsure">') == 1
    assert 'class="label l-ad">ad<' in html


def test_model_file_needs_trusted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--model without --trusted is refused before anything is read or loaded."""
    model = tmp_path / "model.joblib"
    model.write_bytes(b"not a model")
    assert main(["label", str(RAW), "--model", str(model), "-o", str(tmp_path / "x.jsonl")]) == 2
    assert "--trusted" in capsys.readouterr().err
    assert main(["evaluate", "--data", str(SITE), "--model", str(model)]) == 2
    assert "--trusted" in capsys.readouterr().err
    assert main(["evaluate", "--data", str(SITE), "--model", str(model), "--trusted"]) == 2
    assert str(model) in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# stripper evaluate


def test_evaluate_table_json_and_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The metrics table on stdout, the JSON with the sweep, and the threshold plot."""
    out_json, out_png = tmp_path / "metrics.json", tmp_path / "sweep.png"
    assert main(["evaluate", "--data", str(SITE), "--json", str(out_json), "--png", str(out_png)]) == 0
    captured = capsys.readouterr()
    for row in ("junk precision", "junk recall", "junk F1", "body recall", "exact match", "recall chrome"):
        assert row in captured.out
    result = json.loads(out_json.read_text(encoding="utf-8"))
    assert result["documents"] == 10 and result["sites"] == {"alwaha": 10}
    assert result["model"]["packaged"] is True and len(result["model"]["sha256"]) == 64
    assert set(result["metrics"]) >= {"junk_precision", "junk_recall", "junk_f1", "body_recall",
                                      "per_label_recall", "exact_match"}
    assert [row["threshold"] for row in result["sweep"]] == list(SWEEP)
    assert set(result["per_site"]) == {"alwaha"}
    assert sum(result["label_lines"].values()) == result["metrics"]["lines"]
    if importlib.util.find_spec("matplotlib") is not None:
        assert out_png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_evaluate_json_on_stdout_moves_the_table_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    """`--json -` keeps stdout one JSON document."""
    result = _evaluate(capsys, SITE, "--threshold", "0.7")
    assert result["threshold"] == 0.7


def test_evaluate_without_matplotlib_skips_the_png(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """No matplotlib: the PNG is skipped with a note saying how to get it, and the exit status is 0."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out_png = tmp_path / "sweep.png"
    assert main(["evaluate", "--data", str(SITE), "--png", str(out_png)]) == 0
    assert "arabic-news-stripper[plot]" in capsys.readouterr().err
    assert not out_png.exists()


@pytest.mark.parametrize("value", ["0", "1.5", "x"])
def test_threshold_must_be_in_range(value: str) -> None:
    """A threshold outside (0, 1] is a usage error."""
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", "--data", str(SITE), "--threshold", value])
    assert exc.value.code == 2


@pytest.mark.parametrize("command", ["evaluate", "train"])
def test_bad_labelled_file_names_file_and_line(command: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A wrong label, bad JSON or a missing file is an error naming where it is, before any work."""
    first = SITE.read_text(encoding="utf-8").splitlines()[0]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(first + "\n" + first.replace('"chrome"]', '"chrom"]', 1) + "\n", encoding="utf-8")
    extra = ["-o", str(tmp_path / "m.joblib")] if command == "train" else []
    assert main([command, "--data", str(bad), *extra]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2:" in err and "'chrom'" in err
    bad.write_text(first + "\n\n{not json\n", encoding="utf-8")
    assert main([command, "--data", str(bad), *extra]) == 2
    assert f"{bad}:3: not a labelled document" in capsys.readouterr().err
    assert main([command, "--data", str(tmp_path / "nothing.jsonl"), *extra]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert not (tmp_path / "m.joblib").exists()


# ---------------------------------------------------------------------------------------------
# stripper train


def _doc(doc_id: str, site: str) -> LabelledDoc:
    return LabelledDoc(id=doc_id, site=site, lines=[("نص", "body")])


def test_folds_leave_sites_out() -> None:
    """Several sites: each fold tests whole sites, never a site in two folds, at most --folds folds."""
    docs = [_doc(f"d{i}", f"site{i % 6}") for i in range(18)]
    plan = plan_folds(docs, 4, with_default=True)
    assert plan.scheme == "leave-sites-out" and len(plan.folds) == 4 and not plan.note
    assert sorted(i for fold in plan.folds for i in fold) == list(range(18))
    sites = [{docs[i].site for i in fold} for fold in plan.folds]
    assert all(a.isdisjoint(b) for k, a in enumerate(sites) for b in sites[k + 1:])
    assert len(plan_folds(docs[:6], 4, with_default=True).folds) == 4
    assert len(plan_folds([d for d in docs if d.site in ("site0", "site1")], 4, True).folds) == 2


def test_folds_fall_back_for_one_site_or_one_document() -> None:
    """One site: documents left out, with a warning; one document or --folds 0: no evaluation."""
    one_site = [_doc(f"d{i}", "only") for i in range(5)]
    plan = plan_folds(one_site, 4, with_default=True)
    assert plan.scheme == "leave-documents-out" and len(plan.folds) == 4 and "one site" in plan.note
    assert plan_folds(one_site[:1], 4, with_default=True).scheme == "none"
    assert plan_folds(one_site, 0, with_default=True).scheme == "none"
    # Without the project's data a fold needs two documents of its own to train on.
    assert plan_folds(one_site[:2], 4, with_default=False).scheme == "none"


def test_train_on_own_documents_evaluates_and_writes_card(split: tuple[Path, Path], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Alone, a site's pages still train a model: evaluation printed, model, digest and card written."""
    train, _ = split
    out = tmp_path / "models" / "own.joblib"
    assert main(["train", "--data", str(train), "--folds", "2", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "leave-documents-out evaluation on your 8 documents" in captured.out
    assert "your model" in captured.out and "packaged model" in captured.out
    assert "one site (alwaha)" in captured.err and "--with-default-data" in captured.err
    assert "fold 2/2 done" in captured.err and "final model done" in captured.err
    digest = out.with_suffix(".sha256").read_text(encoding="ascii").split()[0]
    assert digest == file_sha256(out)
    card = json.loads(out.with_suffix(".card.json").read_text(encoding="utf-8"))
    assert card["sha256"] == digest and card["command"].startswith("stripper train --data ")
    assert card["training_data"]["user_documents"] == 8 and card["training_data"]["user_sites"] == {"alwaha": 8}
    assert card["training_data"]["default_data"] is None
    assert card["evaluation"]["scheme"] == "leave-documents-out" and card["evaluation"]["folds"] == 2
    assert set(card["evaluation"]["metrics"]) >= {"junk_recall", "body_recall"} and card["date"]
    assert load_model(out, trusted=True).card["seed"] == 0


def test_train_without_a_checkout_or_corpora_says_what_is_missing(split: tuple[Path, Path], tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """--with-default-data needs the repository checkout and the corpora; each missing one is named."""
    train, _ = split
    out = tmp_path / "m.joblib"
    assert main(["train", "--data", str(train), "--with-default-data", "--project", str(tmp_path), "-o", str(out)]) == 2
    assert "not a checkout of arabic-news-stripper" in capsys.readouterr().err
    if not (REPO / "training" / "dataset.py").is_file():
        return
    assert main(["train", "--data", str(train), "--with-default-data", "--project", str(REPO),
                 "--corpora", str(tmp_path / "no-corpora"), "-o", str(out)]) == 2
    assert "needs the corpora" in capsys.readouterr().err
    assert not out.exists()


def test_train_refuses_a_folder_as_output(split: tuple[Path, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """-o names the model file; a folder is refused before training starts."""
    assert main(["train", "--data", str(split[0]), "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# The whole walk-through on the unseen site.


def test_teaching_an_unseen_site(split: tuple[Path, Path], site_docs: list[LabelledDoc], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str], default: stripper.Stripper) -> None:
    """Label eight pages, correct them, train with a slice of the project's data: the new model
    removes the site's junk from the two pages it never saw, keeps their body, and still strips
    the seed pages as well as the packaged model."""
    if not (REPO / "training" / "dataset.py").is_file():
        pytest.skip("the training package is not in this checkout: --with-default-data cannot run")
    if not (SHARED / "corpora").is_dir():
        pytest.skip(f"{SHARED / 'corpora'} is absent: --with-default-data needs the corpora")
    started = time.monotonic()
    _, held = split

    before = _evaluate(capsys, held)["metrics"]
    assert before["junk_recall"] <= OLD_JUNK_RECALL, "the example site is no longer unseen by the packaged model"

    # 1. label: the model's guesses for the eight training pages...
    proposed = tmp_path / "labels.jsonl"
    pages = [str(RAW / f"{d.id}.txt") for d in site_docs if d.id not in HELD_OUT]
    assert main(["label", *pages, "--site", "alwaha", "-o", str(proposed)]) == 0
    # ...corrected by a person: here, the gold labels put in their place.
    gold = {d.id: d for d in site_docs}
    records = _records(proposed)
    for record in records:
        assert [t for t, _ in record["lines"]] == [t for t, _ in gold[record["id"]].lines]
        record["lines"] = [[t, lab] for t, lab in gold[record["id"]].lines]
    corrected = tmp_path / "corrected.jsonl"
    corrected.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")

    # 2. train with a slice of the project's data (the evaluation folds are covered above).
    model_path = tmp_path / "my-model.joblib"
    assert main(["train", "--data", str(corrected), "--with-default-data", "--default-docs",
                 str(SMALL_DEFAULT_DOCS), "--folds", "0", "-o", str(model_path)]) == 0
    capsys.readouterr()
    card = json.loads(model_path.with_suffix(".card.json").read_text(encoding="utf-8"))
    assert card["training_data"]["default_data"]["composed_pages"] == SMALL_DEFAULT_DOCS

    # 3. evaluate: the held-out pages lose their junk and keep their body.
    after = _evaluate(capsys, held, "--model", str(model_path), "--trusted")["metrics"]
    assert after["junk_recall"] >= NEW_JUNK_RECALL, after
    assert after["body_recall"] >= BODY_RECALL, after
    seeds = SHARED / "seeds" / "seeds.labels.jsonl"
    if seeds.is_file():
        general = _evaluate(capsys, seeds, "--model", str(model_path), "--trusted")["metrics"]
        packaged = _evaluate(capsys, seeds)["metrics"]
        assert general["body_recall"] >= BODY_RECALL
        assert general["junk_recall"] >= packaged["junk_recall"] - 0.1

    # The model works wherever a model is accepted: strip(model=...), the CLI and datatrove.
    model = load_model(model_path, trusted=True)
    page = (RAW / f"{HELD_OUT[0]}.txt").read_text(encoding="utf-8")
    junk = [t for t, lab in gold[HELD_OUT[0]].lines if lab not in (None, "body")]
    body = [t for t, lab in gold[HELD_OUT[0]].lines if lab == "body"]
    clean = stripper.strip(page, model=model)
    assert not any(line in clean for line in junk) and all(line in clean for line in body)
    assert all(line in default.strip(page) for line in junk)
    assert cli.main(["--model", str(model_path), "--trusted", "--stdout", str(RAW / f"{HELD_OUT[0]}.txt")]) == 1
    assert capsys.readouterr().out == clean
    if importlib.util.find_spec("datatrove") is not None:
        from stripper.integrations.datatrove import BoilerplateFormatter

        assert BoilerplateFormatter(model_path=model_path, trusted=True).format(page) == clean
    print(f"unseen-site walk-through took {time.monotonic() - started:.0f}s", file=sys.stderr)


def test_adapt_is_what_the_cli_dispatches() -> None:
    """`stripper label|train|evaluate` run this module's main."""
    assert adapt.__name__ == cli.ADAPT_MODULE
    assert set(cli.ADAPT_COMMANDS) == {"label", "train", "evaluate"}
