#!/usr/bin/env python3
"""Writes the walkthrough's sample documents into seeds/documents/ (committed; rerun to remake).

Each PDF is a valid one-page PDF 1.4 with a correct cross-reference table (qpdf/pdfinfo open it);
the PNG is a valid 8-bit RGB image with CRC-checked chunks. Small on purpose: a few hundred bytes.
"""
import os, struct, zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "seeds", "documents")


def pdf(title, lines):
    text = "BT /F1 14 Tf 56 780 Td (%s) Tj" % title
    for line in lines:
        text += " 0 -22 Td /F1 11 Tf (%s) Tj" % line
    text += " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += ("%d 0 obj\n%s\nendobj\n" % (i, body)).encode("latin-1")
    xref = len(out)
    out += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)).encode()
    for off in offsets:
        out += ("%010d 00000 n \n" % off).encode()
    out += ("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)).encode()
    return out


def png(width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b""
    for y in range(height):
        row = b"\x00"
        for x in range(width):
            stripe = (x // 8 + y // 8) % 2 == 0
            row += bytes((0, 51, 153) if stripe and y < height // 3 else (235, 240, 250))
        rows += row
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


DOCUMENTS = {
    "exchange-plan.pdf": pdf("Exchange plan (sample)", ["Visitor: Demo Genomics SRL, Cluj-Napoca", "Host: a MEDIC-NEST cluster member",
                                                         "Objectives: genomic data pipelines, joint pilot"]),
    "host-acceptance.pdf": pdf("Host acceptance (sample)", ["The host accepts the proposed exchange.", "Signed: host director"]),
    "commitment-to-quality.pdf": pdf("Commitment to Quality (sample)", ["Visitor organisation, host organisation,",
                                                                         "visitor partnership, host partnership sign below."]),
    "commitment-to-quality-host-signed.pdf": pdf("Commitment to Quality, host's signed copy (sample)", ["Signed: host director"]),
    "host-confirmation.pdf": pdf("Host confirmation (sample)", ["The exchange took place as planned."]),
    "closing-report.pdf": pdf("Closing report (sample)", ["Five working days on the host's genomic data pipeline."]),
    "boarding-pass.png": png(96, 48),
}

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, data in DOCUMENTS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        print("%s: %d bytes" % (name, len(data)))
