"""QR codes for the flyers, made here with segno (no outside service sees the link)."""

from __future__ import annotations

import io

import segno


def svg(data: str) -> str:
    """The code as inline SVG markup (no XML declaration), scaled by its container."""
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False,
                                     svgns=True, title="QR code", nl=False)
    return out.getvalue().decode()
