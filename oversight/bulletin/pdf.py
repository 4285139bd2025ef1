"""The bulletin's .docx as PDF, by LibreOffice headless (Debian's libreoffice-writer-nogui,
installed by scripts/setup.sh), with the font substitutes of data/fonts/bulletin-fonts.conf
passed as FONTCONFIG_FILE for this conversion only: 方正小标宋简体, 仿宋_GB2312 and 宋体 become
Noto Serif CJK SC, 黑体 Noto Sans CJK SC, 楷体_GB2312 AR PL KaitiM GB. The fonts are embedded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from core.paths import ROOT

FONTCONFIG = ROOT / "data" / "fonts" / "bulletin-fonts.conf"
TIMEOUT = 180  # seconds; a county bulletin converts in a few


class PdfError(RuntimeError):
    """The PDF could not be made (LibreOffice missing, failed or timed out)."""


def soffice() -> str | None:
    """LibreOffice's command, None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes) -> bytes:
    """PDF bytes of the .docx file `docx`. Each call uses its own temporary LibreOffice profile,
    so conversions may run side by side. Raises PdfError."""
    exe = soffice()
    if exe is None:
        raise PdfError("LibreOffice is not installed (scripts/setup.sh installs libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="bulletin-pdf-") as tmp:
        work = Path(tmp)
        src = work / "bulletin.docx"
        src.write_bytes(docx)
        env = os.environ | {"FONTCONFIG_FILE": str(FONTCONFIG), "HOME": str(work)}
        cmd = [
            exe,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(src),
        ]
        try:
            done = subprocess.run(cmd, env=env, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired as e:
            raise PdfError(f"LibreOffice did not finish within {TIMEOUT} s") from e
        out = work / "bulletin.pdf"
        if done.returncode != 0 or not out.is_file():
            raise PdfError(f"LibreOffice could not convert the bulletin (exit code {done.returncode})")
        return out.read_bytes()
