"""The only way a PDF template reaches a file: inside the template folder, or a data: URI.

WeasyPrint's default fetcher reads any ``file://`` path and any network URL;
a template (or text that slipped into one) could then embed ``/etc/passwd``
or call out to a server. This fetcher refuses everything else before any
byte is read, and the refusal stops the rendering: a template that needs an
outside resource is a template to fix, not a warning to ignore.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


class RefusedURL(FatalURLFetchingError):  # type: ignore[misc]  # weasyprint is untyped
    """A template asked for a resource outside the template folder."""


class TemplateFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint is untyped
    def __init__(self, root: Path) -> None:
        # No network handler is ever used: every URL is answered (or refused) in fetch().
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
        self._root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            # urllib's DataHandler decodes the URI in memory: nothing is opened.
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._inside_root(url)
            if path is not None:
                media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path.as_uri(), path.read_bytes(), {"Content-Type": media_type}
                )
        raise RefusedURL(f"templates may fetch only files under {self._root}: refused {url}")

    def _inside_root(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        # resolve() follows symlinks and "..", so a link out of the folder is refused too.
        path = Path(unquote(parts.path)).resolve()
        if path.is_relative_to(self._root) and path.is_file():
            return path
        return None
