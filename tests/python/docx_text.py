"""Read a DOCX with python-docx and print its headings, paragraphs, table cells and
picture count as JSON, for tests/report.rs.

    python docx_text.py REPORT.docx
"""
import json
import sys

import docx

d = docx.Document(sys.argv[1])
print(json.dumps({
    "headings": [p.text for p in d.paragraphs
                 if p.style is not None and p.style.name.startswith("Heading")],
    "paragraphs": [p.text for p in d.paragraphs if p.text],
    "cells": [c.text for t in d.tables for r in t.rows for c in r.cells],
    "pictures": len(d.inline_shapes),
}, ensure_ascii=False))
