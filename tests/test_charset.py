"""Bytes to text for HTML pages: BOM, verified declaration, guess (stripper.charset)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from stripper.charset import (
    CP1252,
    CP1256,
    ISO_8859_6,
    UTF8,
    declared_charset,
    decode_html,
    normalize_label,
)

HTML = Path(__file__).resolve().parent.parent / "data" / "html"

#: The encoding each non-UTF-8 or lying page must come out as (data/html/README.md).
EXPECTED = {
    "masrawy": CP1256,
    "alriyadh": CP1256,
    "ammonnews": CP1256,
    "ahram": CP1256,  # no declaration anywhere
    "alquds": ISO_8859_6,
    "alqabas": UTF8,  # UTF-8 bytes that declare windows-1256
}


def _page(name: str) -> bytes:
    return (HTML / f"{name}.html").read_bytes()


def _headline(name: str) -> str:
    return (HTML / f"{name}.body.txt").read_text(encoding="utf-8").splitlines()[0]


def _redeclare(data: bytes, label: str) -> bytes:
    return re.sub(rb"charset=[A-Za-z0-9_-]+", b"charset=" + label.encode(), data, count=1)


def _undeclare(data: bytes) -> bytes:
    return re.sub(rb"<meta[^>]*charset[^>]*>", b"", data, flags=re.IGNORECASE)


@pytest.mark.parametrize("path", sorted(HTML.glob("*.html")), ids=lambda p: p.stem)
def test_every_project_page_decodes_to_its_gold_headline(path: Path) -> None:
    text, encoding = decode_html(path.read_bytes())
    assert encoding == EXPECTED.get(path.stem, UTF8)
    assert _headline(path.stem) in " ".join(text.split())


@pytest.mark.parametrize(("name", "label", "expected"), [
    ("alquds", "windows-1256", ISO_8859_6),  # ISO-8859-6 bytes declared windows-1256
    ("alquds", "iso-8859-1", ISO_8859_6),
    ("ammonnews", "iso-8859-6", CP1256),  # windows-1256 bytes declared ISO-8859-6
    ("ammonnews", "iso-8859-1", CP1256),  # the classic: Arabic bytes behind a Latin-1 default
    ("masrawy", "utf-8", CP1256),  # a UTF-8 declaration the bytes break
])
def test_a_wrong_declaration_is_overridden(name: str, label: str, expected: str) -> None:
    text, encoding = decode_html(_redeclare(_page(name), label))
    assert encoding == expected
    assert _headline(name) in " ".join(text.split())


@pytest.mark.parametrize(("name", "expected"), [("alquds", ISO_8859_6), ("ammonnews", CP1256), ("alqabas", UTF8)])
def test_undeclared_pages_are_detected(name: str, expected: str) -> None:
    text, encoding = decode_html(_undeclare(_page(name)))
    assert encoding == expected
    assert _headline(name) in " ".join(text.split())


def test_a_right_declaration_is_kept() -> None:
    assert decode_html(_page("alriyadh"))[1] == CP1256
    assert decode_html(_page("alquds"))[1] == ISO_8859_6


def test_byte_order_marks_win() -> None:
    page = "<html><body><p>مرحبا بالعالم</p></body></html>"
    assert decode_html(b"\xef\xbb\xbf" + page.encode()) == (page, UTF8)
    assert decode_html(b"\xff\xfe" + page.encode("utf-16-le")) == (page, "utf-16-le")
    assert decode_html(b"\xfe\xff" + page.encode("utf-16-be")) == (page, "utf-16-be")


def test_latin_pages_are_windows_1252() -> None:
    text = "L'été à Paris était très chaud, déjà près de 40 degrés. " * 5
    declared = f'<html><head><meta charset="iso-8859-1"></head><body><p>{text}</p></body></html>'.encode("cp1252")
    assert decode_html(declared) == (declared.decode("cp1252"), CP1252)
    assert decode_html(_undeclare(declared))[1] == CP1252


def test_another_declared_script_is_trusted() -> None:
    page = '<html><head><meta charset="windows-1251"></head><body><p>Привет мир, это страница.</p></body></html>'
    assert decode_html(page.encode("cp1251")) == (page, "cp1251")


def test_truncated_and_slightly_broken_utf8_is_still_utf8() -> None:
    page = "<html><body><p>مرحبا بالعالم العربي</p></body></html>".encode()
    cut = page[: page.index("بالعالم".encode()) + 3]  # ends inside the second two-byte letter
    text, encoding = decode_html(cut)
    assert encoding == UTF8
    assert text.endswith("مرحبا ب")
    stray = page.replace(b"<p>", b"<p>\xff") * 300  # one stray byte per 300 bytes of Arabic
    assert decode_html(stray)[1] == UTF8


def test_empty_ascii_and_garbage_never_raise() -> None:
    assert decode_html(b"") == ("", UTF8)
    assert decode_html(b'<meta charset="windows-1256"><p>plain ascii</p>') == (
        '<meta charset="windows-1256"><p>plain ascii</p>', CP1256)
    garbage = random.Random(4).randbytes(20_000)
    text, encoding = decode_html(garbage)
    assert isinstance(text, str) and encoding in (UTF8, CP1256, ISO_8859_6, CP1252)


def test_large_pages_decode_whole() -> None:
    paragraph = "<p>" + "وقال المسؤول إن الحملة مستمرة في جميع الأحياء. " * 20 + "</p>\n"
    page = ("<html><body>" + paragraph * 4000 + "</body></html>").encode("cp1256")
    text, encoding = decode_html(page)
    assert encoding == CP1256
    assert len(text) == len(page)  # a single-byte encoding: one character per byte


def test_declaration_parsing() -> None:
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=Windows-1256" />') == CP1256
    assert declared_charset(b"<META CHARSET='ISO-8859-6'>") == ISO_8859_6
    assert declared_charset(b'<?xml version="1.0" encoding="utf-8"?><html>') == UTF8
    assert declared_charset(b'<meta charset="no-such-charset"><meta charset="arabic">') == ISO_8859_6
    assert declared_charset(b"<html><body>no declaration</body></html>") is None


def test_label_aliases_follow_browsers() -> None:
    assert normalize_label("x-cp1256") == CP1256
    assert normalize_label("ASMO-708") == ISO_8859_6
    assert normalize_label("us-ascii") == CP1252
    assert normalize_label("latin1") == CP1252
    assert normalize_label("utf-16") == UTF8  # a meta tag readable as ASCII is not UTF-16
    assert normalize_label("bogus") is None


def test_str_input_is_refused() -> None:
    with pytest.raises(TypeError):
        decode_html("<html></html>")  # type: ignore[arg-type]
