"""The text contract of join_kept/split_document, pinned case by case."""

from __future__ import annotations

import pytest

from stripper.textlines import join_kept, split_document

J = "JUNK"


def _strip_marked(text: str) -> str:
    """Remove lines equal to J: a stand-in model that makes the contract checkable."""
    doc = split_document(text)
    return join_kept(doc, [line.strip() != J for line in doc.lines])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("a\nb\n", "a\nb\n"),
        ("a\nb", "a\nb"),
        ("a\r\nb\r\n", "a\r\nb\r\n"),
        ("\ufeffa\nJUNK\n", "\ufeffa\n"),
        ("a\n\nJUNK\n\nb\n", "a\n\nb\n"),
        ("a\nJUNK\nb\n", "a\nb\n"),
        ("a\n\nb\nJUNK\n\nc\n", "a\n\nb\n\nc\n"),
        ("JUNK\n\na\n\nb\n", "a\n\nb\n"),
        ("a\n\nb\n\nJUNK\n\nJUNK\n", "a\n\nb\n"),
        ("a\n\nJUNK", "a"),
        ("a\r\n\r\nJUNK\r\n\r\nb\r\n", "a\r\n\r\nb\r\n"),
        ("\n\na\nb\n\n", "\n\na\nb\n\n"),
        ("JUNK\n", ""),
        ("JUNK", ""),
        ("  \n\t\n", "  \n\t\n"),
    ],
)
def test_join_kept(text: str, expected: str) -> None:
    assert _strip_marked(text) == expected


def test_lone_cr_stays_inside_a_line() -> None:
    doc = split_document("a\rb\nc")
    assert doc.lines == ["a\rb", "c"]
    assert doc.endings == ["\n", ""]


def test_separator_is_the_documents_most_common_gap() -> None:
    assert split_document("a\nb\nc\n\nd\n").separator_blanks() == 0
    assert split_document("a\n\nb\n\nc\nd\n").separator_blanks() == 1
