"""A small, valid PDF 1.4 document of text lines, written by hand (no PDF library).

Invoice PDFs only need to open in a reader and show the invoice's text, so the
document uses the built-in Helvetica font with WinAnsi encoding (so the
multiplication sign and euro sign print), one content stream per page, and an
exact cross-reference table.
"""

from __future__ import annotations

LINES_PER_PAGE = 48
_PAGE_WIDTH, _PAGE_HEIGHT = 612, 792  # US Letter, in points


def _escape(text: str) -> bytes:
    encoded = text.encode("cp1252", errors="replace")
    return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(lines: list[str], first_page: bool) -> bytes:
    ops = [b"BT", b"/F1 11 Tf", b"14 TL", b"56 740 Td"]
    for index, line in enumerate(lines):
        if first_page and index == 0:
            ops += [b"/F2 18 Tf", b"(" + _escape(line) + b") Tj", b"T*", b"T*", b"/F1 11 Tf"]
            continue
        ops.append(b"(" + _escape(line) + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def text_pdf(lines: list[str], *, title: str = "") -> bytes:
    """A PDF whose pages show `lines` top to bottom; the first line is a heading."""
    chunks = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    # Objects: 1 catalog, 2 pages, 3 font, 4 bold font, 5 info, then (page, content) pairs.
    page_ids = [6 + 2 * i for i in range(len(chunks))]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids ["
        + b" ".join(f"{pid} 0 R".encode() for pid in page_ids)
        + f"] /Count {len(page_ids)} >>".encode(),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
        b"/Encoding /WinAnsiEncoding >>",
        5: b"<< /Title (" + _escape(title) + b") /Producer (Stripe emulator) >>",
    }
    for index, (pid, chunk) in enumerate(zip(page_ids, chunks, strict=True)):
        stream = _content(chunk, first_page=index == 0)
        objects[pid] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE_WIDTH} {_PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {pid + 1} 0 R >>"
        ).encode()
        objects[pid + 1] = (
            f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n".encode() + b"0000000000 65535 f \n"
    for number in range(1, size):
        out += f"{offsets[number]:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {size} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return bytes(out)
