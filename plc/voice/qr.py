"""QR codes for the flyers, made here with segno (no outside service sees the link)."""

from __future__ import annotations

import io

import segno
from markupsafe import escape


def svg(data: str, alt: str) -> str:
    """The code as inline SVG markup (no XML declaration), scaled by its container: an image
    named ``alt`` (in the flyer's language)."""
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False,
                                     svgns=True, title=alt, nl=False)
    return out.getvalue().decode().replace(
        "<svg ", f'<svg role="img" aria-label="{escape(alt)}" ', 1)
