"""Charts for the bulletin as PNG images, rendered offline: plotly's kaleido (1.x) drives a
headless Chrome through choreographer, here Debian's /usr/bin/chromium (installed by
scripts/setup.sh). Nothing is downloaded: choreographer reads the browser from
$BROWSER_PATH, which `png` sets to Debian's chromium when it is not set already.
"""

from __future__ import annotations

import os
import shutil

import plotly.graph_objects as go
import plotly.io as pio

WIDTH = 900  # px at scale 1; the image is placed 150 mm wide
SCALE = 2  # 1800 px across: sharp in print
# Seen once in ~40 renders on a busy 2-core machine: a JavascriptError from a fresh browser that
# the next attempt does not repeat. A second attempt, then a clear error.
ATTEMPTS = 2


class ChartError(RuntimeError):
    """A chart could not be rendered (no chromium, or the browser failed)."""


def browser() -> str | None:
    """The browser kaleido will drive: $BROWSER_PATH, else Debian's chromium on PATH."""
    return os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def png(fig: go.Figure, width: int = WIDTH) -> bytes:
    """`fig` as PNG bytes, `width` px wide (× SCALE) and as tall as its layout says. Raises
    ChartError when no browser is installed or rendering fails."""
    path = browser()
    if path is None:
        raise ChartError("chromium is not installed (scripts/setup.sh installs it)")
    os.environ.setdefault("BROWSER_PATH", path)
    height = int(fig.layout.height or 420)
    for attempt in range(ATTEMPTS):
        try:
            return pio.to_image(fig, format="png", width=width, height=height, scale=SCALE)
        except Exception as e:  # kaleido/choreographer raise many kinds; one message for the user
            if attempt == ATTEMPTS - 1:
                raise ChartError(f"chart rendering failed: {type(e).__name__}") from e
    raise AssertionError("unreachable")
