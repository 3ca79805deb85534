"""The real clients the integration tests open our files with.

``tools/install_test_clients.sh`` (part of the README's test command)
installs them; a test that needs one fails, never skips, when it is missing.
"""

from __future__ import annotations

import html
import mailbox
import re
import shutil
import subprocess
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

INSTALL = "run tools/install_test_clients.sh (the README's test command does)"


def soffice() -> str:
    """The path of LibreOffice's ``soffice``."""
    path = shutil.which("soffice")
    assert path is not None, f"LibreOffice (soffice) is not installed: {INSTALL}"
    return path


def soffice_convert(
    source: Path, fmt: str, outdir: Path, profile: Path, *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """LibreOffice converting ``source`` to ``fmt`` (a ``--convert-to`` argument) into
    ``outdir``, headless, with its own user profile at ``profile``."""
    return subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=check,
        capture_output=True,
        text=True,
        timeout=180,
    )


def pdftotext(path: Path) -> str:
    """The text poppler's ``pdftotext`` extracts from the PDF at ``path`` (UTF-8)."""
    exe = shutil.which("pdftotext")
    assert exe is not None, f"poppler's pdftotext is not installed: {INSTALL}"
    return subprocess.run(
        [exe, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdftotext_pages(path: Path) -> list[tuple[float, list[tuple[float, float, str]]]]:
    """Each page of the PDF at ``path`` as poppler reads it: its height and its words,
    each with its top and bottom in points from the top of the page (``pdftotext -bbox``)."""
    exe = shutil.which("pdftotext")
    assert exe is not None, f"poppler's pdftotext is not installed: {INSTALL}"
    xhtml = subprocess.run(
        [exe, "-enc", "UTF-8", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = []
    for height, body in re.findall(
        r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', xhtml, re.S
    ):
        words = re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
            body,
        )
        pages.append(
            (
                float(height),
                [(float(top), float(bottom), html.unescape(word)) for top, bottom, word in words],
            )
        )
    return pages


def read_maildir(folder: Path) -> list[EmailMessage]:
    """Every message of the Maildir at ``folder``, parsed as a mail client reads it."""
    box = mailbox.Maildir(folder, create=False)
    return [message_from_bytes(box.get_bytes(key), policy=default) for key in box.iterkeys()]
