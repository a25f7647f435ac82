"""The files of the book: :class:`Resource` (CSS, fonts, images), :class:`Document` (XHTML), and
the articles' images in, packed once each under ``images/`` (:class:`Images`) out."""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EditionsError
from ..model import Article
from ..resources import ResourceLoader

log = logging.getLogger("editions")

IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "GIF": ("image/gif", "gif")}


@dataclass
class Resource:
    name: str
    media_type: str
    data: bytes
    uid: str


@dataclass
class Document:
    uid: str
    name: str
    title: str
    content: bytes
    properties: tuple[str, ...] = ()


@dataclass
class Images:
    """Images the articles use, packed once each under ``images/``."""

    edition_root: Path | None
    loader: ResourceLoader
    by_digest: dict[str, Resource] = field(default_factory=dict)
    alt_missing: bool = False

    def add(self, data: bytes, label: str, stem: str = "image") -> Resource | None:
        from PIL import Image, UnidentifiedImageError

        digest = hashlib.sha256(data).hexdigest()
        if digest in self.by_digest:
            return self.by_digest[digest]
        try:
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format or ""
                if kind not in IMAGE_TYPES:
                    converted = io.BytesIO()
                    image.save(converted, "PNG")
                    data, kind = converted.getvalue(), "PNG"
        except (UnidentifiedImageError, OSError, ValueError):
            log.warning("%s: not an image the EPUB can hold; left out", label)
            return None
        media_type, ext = IMAGE_TYPES[kind]
        base = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "image"
        taken = {r.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] for r in self.by_digest.values()} | {
            "cover",
            "publisher-logo",
        }
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        resource = Resource(f"images/{name}.{ext}", media_type, data, f"image-{name}")
        self.by_digest[digest] = resource
        return resource

    def load(self, src: str, article: Article) -> Resource | None:
        """The image ``src`` of ``article``, if :mod:`editions.resources` lets the book use it."""
        image = self.loader.image(src, article)
        if image is None:
            return None
        stem = f"{article.slug}-image" if src.strip().lower().startswith("data:") else image.stem
        return self.add(image.data, f"{_where(article)}: {src[:100]}", stem)


def _where(article: Article) -> str:
    return str(article.path) if article.path else article.title


def picture(path: Path, stem: str, uid: str, what: str) -> Resource:
    """An image file of the edition or style (its cover, its logo) as a JPEG or PNG of the book."""
    from PIL import Image, UnidentifiedImageError

    try:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            if kind not in ("JPEG", "PNG"):
                converted = io.BytesIO()
                image.convert("RGBA" if "A" in image.getbands() else "RGB").save(converted, "PNG")
                data, kind = converted.getvalue(), "PNG"
    except FileNotFoundError:
        raise EditionsError(f"{what} not found", path) from None
    except (UnidentifiedImageError, OSError) as exc:
        raise EditionsError(f"cannot read the {what}: {exc}", path) from None
    media_type, ext = IMAGE_TYPES[kind]
    return Resource(f"images/{stem}.{ext}", media_type, data, uid)
