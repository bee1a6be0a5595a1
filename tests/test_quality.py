"""Quality gate: what must and must not come out, and F1 floors pinned in the repository.

The floors are regression guards for the packaged model, set a little under what it measures;
the honest generalisation figures are the leave-sites-out ones in the README.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import DATA, shared_or_skip

import stripper
from stripper.decode import decide
from stripper.documents import read_labelled
from stripper.metrics import line_metrics
from stripper.textlines import join_kept, split_document

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))


def _gold_body(raw: str, labels: list[str | None]) -> str:
    return join_kept(split_document(raw), [lab == "body" for lab in labels])


def test_bundled_example_is_cleaned_exactly(default: stripper.Stripper) -> None:
    raw = (DATA / "examples" / "news-page.txt").read_text(encoding="utf-8")
    assert default.strip(raw) == (DATA / "examples" / "news-page.clean.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_seed_cleaned_exactly(default: stripper.Stripper, number: str) -> None:
    seeds = shared_or_skip("seeds")
    (path,) = sorted(seeds.glob(f"{number}_*.txt"))
    (doc,) = [d for d in read_labelled([seeds / "seeds.labels.jsonl"]) if d.id == f"seed-{number}"]
    raw = path.read_text(encoding="utf-8")
    assert default.strip(raw) == _gold_body(raw, [lab for _, lab in doc.lines])


def test_seed_000_prints_lines_1_to_19(default: stripper.Stripper) -> None:
    (path,) = sorted(shared_or_skip("seeds").glob("000_*.txt"))
    raw = path.read_text(encoding="utf-8")
    first_19 = "\n".join(raw.split("\n")[:19])
    assert default.strip(raw) == first_19 + ("\n" if raw.endswith("\n") else "")


def test_floors_on_hand_labelled_pages(default: stripper.Stripper) -> None:
    docs = read_labelled([DATA / "labelled"])
    probas = default.document_probabilities([[t for t, _ in d.lines if t.strip()] for d in docs])
    kept = [[lab == "body" for lab in decide(p, default.model.threshold, frozenset())[0]] for p in probas]
    gold = [[lab for t, lab in d.lines if t.strip()] for d in docs]
    m = line_metrics(gold, kept)
    floors = FLOORS["hand_labelled"]
    assert m["junk_f1"] >= floors["junk_f1"], m
    assert m["body_recall"] >= floors["body_recall"], m


@pytest.mark.parametrize(
    ("text", "must_keep", "must_remove"),
    [
        # LABELS.md rule 3: المصدر opening a sentence of the body is body.
        ("قال مسؤول إن المحادثات مستمرة بين الطرفين منذ أسابيع دون نتيجة حاسمة حتى الآن.\n"
         "المصدر: إن المفاوضات وصلت إلى مرحلة حساسة، وإن الطرفين يتبادلان المسودات يومياً عبر الوسطاء.\n"
         "وأضاف أن جولة جديدة ستعقد الأسبوع المقبل في العاصمة بحضور ممثلين عن الأمم المتحدة.\n"
         "المصدر: وكالة الأنباء الرسمية\n",
         "المصدر: إن المفاوضات", "المصدر: وكالة الأنباء الرسمية"),
        # Rule 2: an inline read-also line goes, the paragraphs after it stay.
        ("أعلنت وزارة الصحة اليوم عن حملة وطنية للتطعيم تستهدف الأطفال في جميع المحافظات.\n"
         "اقرأ أيضا: ارتفاع أسعار الأدوية في الأسواق المحلية\n"
         "وقالت الوزارة في بيان إن الحملة تستمر أسبوعين وتشمل المدارس ورياض الأطفال والمراكز الصحية.\n"
         "وأشارت إلى أن اللقاحات متوفرة مجاناً في كل المراكز الصحية الحكومية دون حجز مسبق.\n",
         "وقالت الوزارة في بيان", "اقرأ أيضا: ارتفاع"),
    ],
)
def test_must_and_must_not(default: stripper.Stripper, text: str, must_keep: str, must_remove: str) -> None:
    out = default.strip(text)
    assert must_keep in out
    assert must_remove not in out
