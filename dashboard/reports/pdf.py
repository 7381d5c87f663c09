"""HTML to PDF offline: headless Chromium's own print (``--print-to-pdf``).

Each run gets its own throw-away profile, so several reports can print at once and a
crashed run leaves no lock behind. The page is a local file with no external resources.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

# How Chromium is started here, headless and offline (the browser tests use the same).
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
FLAGS = (*BROWSER_FLAGS, "--no-pdf-header-footer", "--hide-scrollbars")
TIMEOUT_S = 120


class PdfError(RuntimeError):
    """Chromium did not make a PDF."""


def html_to_pdf(html: str, chromium: str, timeout_s: float = TIMEOUT_S) -> bytes:
    with tempfile.TemporaryDirectory(prefix="wf-pdf-") as tmp:
        folder = Path(tmp)
        page = folder / "report.html"
        out = folder / "report.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [
            chromium,
            *FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False)
        except FileNotFoundError as exc:
            raise PdfError(f"no Chromium at {chromium!r}: {exc}") from exc
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"Chromium took more than {timeout_s:.0f} s to print") from exc
        data = out.read_bytes() if out.exists() else b""
        if done.returncode != 0 or not data.startswith(b"%PDF"):
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PdfError(f"Chromium exit {done.returncode}, no PDF: {' | '.join(tail)}")
        return data
