"""Resources an article may use: its images, under one policy for the HTML, PDF and EPUB stages.

In: an image reference found in an article (an ``<img src>``), the article it is in, the edition's
folder and a :class:`ResourcePolicy`. Out: a checked :class:`Image` (its bytes, media type and
size), or ``None`` and one warning naming the article and the image and saying why it was left out.

The rules, the same for every output:

- **Local files**: a path relative to the article's file, that stays inside the edition's folder
  (or the article's own folder) once ``..`` and symbolic links are resolved, names a regular file
  and no hidden (``.``) folder or file. Absolute paths and ``file:`` URLs are refused.
- **``data:`` URIs**: base64 PNG, JPEG, GIF or WebP.
- **Remote images** (``http:``/``https:``): only when the policy allows them
  (``--allow-remote-images``), fetched by :func:`editions.fetch.fetch` with
  ``allow_private=False``, so never from loopback, private or link-local addresses (at every
  redirect), within a time budget for the whole build.
- **Every image**, wherever it comes from, is at most :data:`MAX_IMAGE_BYTES` and
  :data:`MAX_IMAGE_PIXELS` (checked from the image's header with Pillow, before anything decodes
  it: a decompression bomb stops here), and is a PNG, JPEG, GIF or WebP (BMP and TIFF are
  converted to PNG). SVG images are refused: an SVG is a document that can load other files.

The HTML and PDF stages embed the images that pass as ``data:`` URIs (:meth:`ResourceLoader.article`:
the HTML edition is self-contained, and WeasyPrint never opens an article's file or URL); the
EPUB stage packs them into the book. Images that do not pass are replaced by their ``alt`` text
in brackets (or dropped when they have none).
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import re
import time
import urllib.parse
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import EditionsError
from .model import Article

log = logging.getLogger("editions")

MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""Largest image file an article may use (local, ``data:`` or remote)."""
MAX_IMAGE_PIXELS = 40_000_000
"""Most pixels in an image (width × height; about 7,700 × 5,200), read from its header."""
REMOTE_TIMEOUT = 15.0
"""Time limit for fetching one remote image, in seconds."""
REMOTE_BUDGET = 45.0
"""Time limit for fetching all the remote images of one build, in seconds."""
MAX_REMOTE_IMAGES = 200
"""Most remote images fetched in one build."""

#: Pillow format → media type, for the formats every output can hold as they are.
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
#: Formats read, then converted to PNG (browsers and EPUB readers cannot show them).
CONVERTED = frozenset({"BMP", "TIFF"})
_FORMATS = [*IMAGE_TYPES, *CONVERTED]
_DATA_URI = re.compile(r"data:image/(?:png|jpeg|jpg|gif|webp);base64,(?P<data>[A-Za-z0-9+/=\s]*)\Z", re.I)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


class ImageRefused(Exception):
    """An image an article may not use; ``str()`` says why."""


@dataclass(frozen=True)
class ResourcePolicy:
    """What an article may load. The defaults are what the commands use without options."""

    allow_remote_images: bool = False
    max_image_bytes: int = MAX_IMAGE_BYTES
    max_image_pixels: int = MAX_IMAGE_PIXELS
    remote_timeout: float = REMOTE_TIMEOUT
    remote_budget: float = REMOTE_BUDGET
    max_remote_images: int = MAX_REMOTE_IMAGES


@dataclass(frozen=True)
class Image:
    """An image that passed every check."""

    data: bytes
    media_type: str
    width: int
    height: int
    stem: str = "image"
    """A name for the image (its file name without the suffix, when it has one)."""

    @property
    def format(self) -> str:
        return self.media_type.split("/", 1)[1].upper()

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64," + base64.b64encode(self.data).decode("ascii")


def check_image(data: bytes, policy: ResourcePolicy | None = None, *, stem: str = "image") -> Image:
    """``data`` as a checked :class:`Image`, or :class:`ImageRefused` saying what is wrong with it.

    Only the header is read to learn the format and size; an image over the pixel limit is refused
    before anything decodes it. BMP and TIFF images are converted to PNG.
    """
    policy = policy or ResourcePolicy()
    if len(data) > policy.max_image_bytes:
        raise ImageRefused(f"larger than {_mb(policy.max_image_bytes)}")
    from PIL import Image as PILImage

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data), formats=_FORMATS) as image:
                kind = image.format or ""
                width, height = image.size
                if width * height > policy.max_image_pixels:
                    raise ImageRefused(
                        f"too many pixels ({width:,} × {height:,}; the limit is "
                        f"{policy.max_image_pixels:,}): a decompression bomb?"
                    )
                if width < 1 or height < 1:
                    raise ImageRefused("an image without pixels")
                if kind in CONVERTED:
                    image.seek(0)
                    converted = io.BytesIO()
                    image.convert("RGBA" if "A" in image.mode else "RGB").save(converted, "PNG")
                    data, kind = converted.getvalue(), "PNG"
    except ImageRefused:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ImageRefused(
            f"too many pixels (over {PILImage.MAX_IMAGE_PIXELS:,}): a decompression bomb?"
        ) from None
    except Exception as exc:  # Pillow raises many kinds for damaged or foreign data
        if b"<svg" in data[:4096].lower():
            raise ImageRefused(
                "SVG images are not used (an SVG can load other files); convert it to PNG"
            ) from None
        raise ImageRefused(f"not a PNG, JPEG, GIF or WebP image ({type(exc).__name__})") from None
    return Image(data, IMAGE_TYPES[kind], width, height, stem)


class ResourceLoader:
    """Loads and checks the images of one build (see the module docstring); each source once.

    ``root`` is the edition's folder (``None`` for articles built in code: only their own folders,
    ``data:`` URIs and, when allowed, remote images are then usable).
    """

    def __init__(
        self,
        root: Path | None,
        policy: ResourcePolicy | None = None,
        *,
        fetcher: Callable[..., Any] | None = None,
    ) -> None:
        self.root = root.resolve() if root is not None else None
        self.policy = policy or ResourcePolicy()
        self._fetcher = fetcher
        self._cache: dict[tuple[str, Path | None], Image | ImageRefused] = {}
        self._remote_spent = 0.0
        self._remote_count = 0
        self._warned: set[tuple[str, str]] = set()

    # -- one image ------------------------------------------------------------------------------

    def image(self, src: str, article: Article | None = None) -> Image | None:
        """The image ``src`` names in ``article``, checked; else ``None`` and a warning (once) saying why."""
        src = (src or "").strip()
        base = article.path.parent.resolve() if article is not None and article.path is not None else None
        key = (src, base)
        cached = self._cache.get(key)
        if cached is None:
            try:
                cached = self._load(src, base)
            except ImageRefused as exc:
                cached = exc
            self._cache[key] = cached
        if isinstance(cached, ImageRefused):
            said = (_where(article), src)
            if said in self._warned:
                return None
            self._warned.add(said)
            if not src:
                log.warning(
                    "%s: an image left out: its source was removed (images must be files of the edition, "
                    "data: images or, with --allow-remote-images, http(s) URLs)",
                    _where(article),
                )
            else:
                kind = "remote image" if _is_remote(src) else "image"
                log.warning("%s: %s %s left out (%s)", _where(article), kind, _shown(src), cached)
            return None
        return cached

    def load(self, src: str, folder: Path | None = None) -> Image:
        """The image ``src`` names in an article file of ``folder``, checked; raises :class:`ImageRefused`.

        The same rules as :meth:`image`, without its warnings (the caller says what it does instead).
        """
        return self._load((src or "").strip(), folder.resolve() if folder is not None else None)

    def _load(self, src: str, base: Path | None) -> Image:
        if not src:
            raise ImageRefused("no source")
        if src[:5].lower() == "data:":
            return self._data_uri(src)
        if _is_remote(src):
            return self._remote("https:" + src if src.startswith("//") else src)
        if _SCHEME.match(src) and not re.match(r"[A-Za-z]:[\\/]", src):
            scheme = src.split(":", 1)[0].lower()
            raise ImageRefused(f"refused: {scheme}: URLs are never loaded")
        return self._local(src, base)

    def _data_uri(self, src: str) -> Image:
        match = _DATA_URI.match(src)
        if not match:
            raise ImageRefused("refused: only base64 PNG, JPEG, GIF or WebP data: images are used")
        encoded = "".join(match.group("data").split())
        if len(encoded) > (self.policy.max_image_bytes + 2) // 3 * 4:
            raise ImageRefused(f"larger than {_mb(self.policy.max_image_bytes)}")
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ImageRefused("damaged data: URI") from None
        return check_image(data, self.policy)

    def _local(self, src: str, base: Path | None) -> Image:
        relative = urllib.parse.unquote(src.split("#", 1)[0].split("?", 1)[0])
        if not relative or relative.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", relative):
            raise ImageRefused("refused: absolute paths are never loaded (give a path inside the edition)")
        roots = [r for r in (self.root, base) if r is not None]
        start = base or self.root
        if start is None:
            raise ImageRefused("refused: a relative path in an article that has no folder")
        try:
            path = (start / relative).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            raise ImageRefused("not found") from None
        inside = [r for r in roots if path.is_relative_to(r)]
        if not inside:
            raise ImageRefused("refused: it is outside the edition's folder")
        if any(part.startswith(".") for part in path.relative_to(inside[0]).parts):
            raise ImageRefused("refused: hidden files and folders are never loaded")
        try:
            if not path.is_file():
                raise ImageRefused("not a regular file")
            size = path.stat().st_size
            if size > self.policy.max_image_bytes:
                raise ImageRefused(f"larger than {_mb(self.policy.max_image_bytes)}")
            data = path.read_bytes()
        except OSError as exc:
            raise ImageRefused(f"cannot read it ({exc.strerror or exc})") from None
        return check_image(data, self.policy, stem=path.stem)

    def _remote(self, url: str) -> Image:
        policy = self.policy
        if not policy.allow_remote_images:
            raise ImageRefused("refused: remote images are loaded only with --allow-remote-images")
        remaining = policy.remote_budget - self._remote_spent
        if remaining <= 0 or self._remote_count >= policy.max_remote_images:
            raise ImageRefused(
                f"refused: the build's limit for remote images is spent ({policy.max_remote_images} images"
                f" or {policy.remote_budget:g} s)"
            )
        from . import fetch as fetching

        fetcher = self._fetcher or fetching.fetch
        self._remote_count += 1
        started = time.monotonic()
        try:
            response = fetcher(
                url,
                accept=None,
                timeout=max(1.0, min(policy.remote_timeout, remaining)),
                max_bytes=policy.max_image_bytes,
                allow_private=False,
            )
        except EditionsError as exc:
            raise ImageRefused(exc.message) from None
        finally:
            self._remote_spent += time.monotonic() - started
        stem = Path(urllib.parse.urlsplit(response.url).path).stem or "image"
        return check_image(response.body, policy, stem=stem)

    # -- whole articles -------------------------------------------------------------------------

    def embed(self, fragment: str, article: Article | None = None) -> str:
        """``fragment`` with every ``<img>`` given a checked ``data:`` URI, or replaced by its alt text."""
        if "<img" not in fragment:
            return fragment
        import lxml.etree
        import lxml.html

        root = lxml.html.fragment_fromstring(
            fragment, create_parent="div", parser=lxml.html.HTMLParser(huge_tree=True)
        )
        for img in list(root.iter("img")):
            image = self.image(img.get("src", ""), article)
            if image is not None:
                img.set("src", image.data_uri)
                continue
            replace_with_alt(img)
        parts = [_escape(root.text or "")]
        parts.extend(lxml.etree.tostring(child, method="html", encoding="unicode") for child in root)
        return "".join(parts)

    def article(self, article: Article) -> Article:
        """``article`` with the images of its body and notes embedded as ``data:`` URIs (or left out)."""
        if "<img" not in article.body_html and not any("<img" in note for note in article.footnotes):
            return article
        return article.replace(
            body_html=self.embed(article.body_html, article),
            footnotes=tuple(self.embed(note, article) for note in article.footnotes),
        )


def replace_with_alt(img: Any) -> None:
    """Replace an lxml ``<img>`` element by ``[alt]`` (or nothing), keeping the text after it."""
    alt = " ".join((img.get("alt") or "").split())
    text = (f"[{alt}]" if alt else "") + (img.tail or "")
    parent = img.getparent()
    if parent is None:
        return
    previous = img.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(img)


def _is_remote(src: str) -> bool:
    return src.startswith("//") or src[:7].lower() == "http://" or src[:8].lower() == "https://"


def _where(article: Article | None) -> str:
    if article is None:
        return "edition"
    return str(article.path) if article.path else article.title


def _shown(src: str, limit: int = 100) -> str:
    """``src`` as a warning shows it: a ``data:`` URI by its type and size, a long one cut short."""
    if src[:5].lower() == "data:":
        kind = src[5:].split(";", 1)[0].split(",", 1)[0][:40] or "data"
        return f"data:{kind} ({_mb(len(src) * 3 // 4)})"
    return src if len(src) <= limit else src[: limit - 1] + "…"


def _mb(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, size // 1024)} KB"
    return f"{size / (1024 * 1024):.3g} MB"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "Image",
    "ImageRefused",
    "ResourceLoader",
    "ResourcePolicy",
    "check_image",
    "replace_with_alt",
]
