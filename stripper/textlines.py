"""The text contract: split a document into lines and put the kept ones back together.

Kept lines come back byte-for-byte with their own endings; a UTF-8 BOM and the presence or
absence of a final newline survive; a gap that lost lines is rebuilt with the document's own
paragraph separator, so that stripping twice changes nothing more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

BOM = "\ufeff"


@dataclass(frozen=True)
class Document:
    """A document cut into lines: `lines` hold text without endings, `endings` the ending of each."""

    lines: list[str]
    endings: list[str]
    bom: str

    @property
    def newline(self) -> str:
        """The document's dominant line ending, `\\n` when it has none."""
        counts = Counter(e for e in self.endings if e)
        return counts.most_common(1)[0][0] if counts else "\n"

    def blank(self, index: int) -> bool:
        """True when line `index` holds only white space."""
        return not self.lines[index].strip()

    def text_indices(self) -> list[int]:
        """The indices of the lines that hold more than white space, in order."""
        return [i for i, line in enumerate(self.lines) if line.strip()]

    def separator_blanks(self) -> int:
        """How many blank lines the document puts between paragraphs (its most common gap)."""
        gaps: Counter[int] = Counter()
        run = 0
        seen_text = False
        for line in self.lines:
            if not line.strip():
                run += 1
            else:
                if seen_text:
                    gaps[run] += 1
                seen_text = True
                run = 0
        if not gaps:
            return 0
        # Ties go to the smaller gap: a document mixing both keeps its tighter style.
        return max(sorted(gaps), key=lambda g: gaps[g])


def split_document(text: str) -> Document:
    """Cut `text` into lines on LF, keeping CRLF and a final line without ending exact."""
    bom = BOM if text.startswith(BOM) else ""
    if bom:
        text = text[1:]
    pieces = text.split("\n")
    final = pieces.pop()  # what follows the last LF: a line without ending, or nothing
    if "\r" in text:
        endings = ["\r\n" if p.endswith("\r") else "\n" for p in pieces]
        lines = [p[:-1] if e == "\r\n" else p for p, e in zip(pieces, endings)]
    else:
        lines, endings = pieces, ["\n"] * len(pieces)
    if final:
        lines.append(final)
        endings.append("")
    return Document(lines=lines, endings=endings, bom=bom)


def join_kept(doc: Document, keep: Sequence[bool]) -> str:
    """Rebuild the document from the lines marked in `keep` (blank lines' marks are ignored)."""
    text_idx = doc.text_indices()
    kept = [i for i in text_idx if keep[i]]
    if len(kept) == len(text_idx):
        return doc.bom + "".join(line + end for line, end in zip(doc.lines, doc.endings))
    if not kept:
        return doc.bom
    newline = doc.newline
    blanks = doc.separator_blanks()
    removed = [i for i in text_idx if not keep[i]]
    out: list[str] = [doc.bom]
    # The leading gap survives only when nothing was removed from it.
    first = kept[0]
    if not removed or removed[0] > first:
        out.extend(doc.lines[i] + doc.endings[i] for i in range(first))
    removed_pos = 0
    for prev, cur in zip(kept, kept[1:]):
        while removed_pos < len(removed) and removed[removed_pos] < prev:
            removed_pos += 1
        lost = removed_pos < len(removed) and removed[removed_pos] < cur
        out.append(doc.lines[prev] + (doc.endings[prev] or newline))
        if lost:
            out.append(newline * blanks)
        else:
            out.extend(doc.lines[i] + doc.endings[i] for i in range(prev + 1, cur))
    last = kept[-1]
    tail_lost = bool(removed) and removed[-1] > last
    final_newline = bool(doc.endings[-1])
    if tail_lost:
        out.append(doc.lines[last] + ((doc.endings[last] or newline) if final_newline else ""))
    else:
        out.extend(doc.lines[i] + doc.endings[i] for i in range(last, len(doc.lines)))
    return "".join(out)
