"""The web app's routes: server-rendered pages over the library, and the forms that change the folder.

In: HTTP requests (already checked by :class:`~editions.web.security.Guard`). Out: HTML pages
(Jinja templates in ``templates/``), redirects after each change (POST, then GET), the build's
progress as server-sent events, thumbnails and downloads from ``<folder>/dist``.

Every change goes through a library function (:mod:`editions.editing`, :mod:`editions.builds`);
GET requests read and never write.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartParser
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .. import editing
from ..builds import DIST
from ..editing import MAX_ARTICLE_BYTES
from ..edition import BACK_COVERS
from ..errors import EditionsError
from ..impose import LAYOUTS
from ..styles import available_styles
from .security import TOKEN_FIELD, Guard, host_names, new_token
from .strings import STRINGS, t
from .workspace import Workspace

HERE = Path(__file__).parent
#: The largest request body (an upload of several files): a little over the article limit.
MAX_BODY = MAX_ARTICLE_BYTES + 1024 * 1024
_DOWNLOAD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.(pdf|epub|html|txt)")
_SUFFIX_TYPES = {".pdf": "application/pdf", ".epub": "application/epub+zip", ".txt": "text/plain"}
#: How often the build's event stream looks for new progress reports (seconds): the end of a build
#: reaches the page at most this late.
EVENTS_POLL = 0.02


def create_app(
    folder: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    extra_hosts: tuple[str, ...] = (),
    token: str | None = None,
    cache_dir: Path | None = None,
) -> Starlette:
    """The ASGI app serving the edition in ``folder`` at ``http://host:port``.

    ``extra_hosts`` are further ``Host`` headers to answer to (``"testserver"`` for Starlette's
    test client). ``token`` is the CSRF token (default: a new random one).
    """
    # The guard holds the whole body (at most MAX_BODY) in memory already: keep uploaded files there
    # too, rather than in temporary files outside the edition folder.
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, MAX_BODY)
    workspace = Workspace(Path(folder), cache_dir=cache_dir)
    token = token or new_token()
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    templates = Jinja2Templates(env=environment)
    templates.env.globals["T"] = STRINGS
    templates.env.globals["t"] = t
    templates.env.globals["csrf_field"] = TOKEN_FIELD

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("edition_title", _edition_title(workspace))
        context.update(
            request=request,
            token=token,
            notices=workspace.take_notices(),
            building=workspace.build.running,
        )
        return templates.TemplateResponse(request, template, context, status_code=status)

    async def articles(request: Request) -> Response:
        entries = await run_in_threadpool(workspace.entries)
        left_out = await run_in_threadpool(_unlisted, workspace.folder)
        failed = workspace.build.error or ""
        return page(
            request, "articles.html", entries=entries, left_out=left_out, section="articles", failed=failed
        )

    async def add(request: Request) -> Response:
        async with request.form(max_files=20, max_fields=50, max_part_size=MAX_ARTICLE_BYTES) as form:
            text = str(form.get("text") or "")
            url = str(form.get("url") or "").strip()
            uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
            files = [(f.filename or "", await f.read(MAX_ARTICLE_BYTES + 1)) for f in uploads]
        written: list[Path] = []
        try:
            if text.strip():
                data = text.replace("\r\n", "\n").encode("utf-8")
                written += await run_in_threadpool(
                    workspace.with_warnings,
                    editing.add_article,
                    workspace.folder,
                    data,
                    ".txt",
                    name="pasted text",
                    url=url or None,
                )
            for filename, data in files:
                name = Path(filename.replace("\\", "/")).name
                written += await run_in_threadpool(
                    workspace.with_warnings,
                    editing.add_article,
                    workspace.folder,
                    data,
                    Path(name).suffix,
                    name=name,
                )
            if url and not text.strip():
                written += await run_in_threadpool(
                    workspace.with_warnings, editing.add_url, workspace.folder, url
                )
        except EditionsError as exc:
            workspace.notice("error", _shown(exc, workspace))
            return _back("/")
        if not written:
            workspace.notice("error", t("add_nothing"))
        else:
            workspace.notice("done", t("added", names=", ".join(p.name for p in written)))
        return _back("/")

    async def arrange(request: Request) -> Response:
        form = await request.form()
        action = str(form.get("action") or "")
        name = str(form.get("name") or "")
        try:
            if action == "up":
                await run_in_threadpool(editing.move_article, workspace.folder, name, -1)
            elif action == "down":
                await run_in_threadpool(editing.move_article, workspace.folder, name, 1)
            elif action == "remove":
                await run_in_threadpool(editing.remove_article, workspace.folder, name)
                workspace.notice("done", t("removed", name=name))
            elif action == "putback":
                await run_in_threadpool(
                    editing.append_articles, workspace.folder, [_checked(workspace, name).name]
                )
                workspace.notice("done", t("put_back_done", name=name))
            else:
                raise HTTPException(400, "unknown action")
        except EditionsError as exc:
            workspace.notice("error", _shown(exc, workspace))
        return _back(f"/#item-{name}" if action in ("up", "down") else "/")

    async def order(request: Request) -> Response:
        try:
            names = json.loads(await request.body())["names"]
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise HTTPException(400, 'expected {"names": [...]}') from None
        try:
            await run_in_threadpool(editing.set_order, workspace.folder, names)
        except EditionsError as exc:
            return Response(_shown(exc, workspace), status_code=400, media_type="text/plain")
        return Response(t("moved"), media_type="text/plain")

    async def article(request: Request) -> Response:
        name = request.path_params["name"]
        path = _checked(workspace, name)
        entry = await run_in_threadpool(workspace.entry, name)
        editable = path.suffix.lower() in editing.EDITABLE_SUFFIXES
        try:
            view = await run_in_threadpool(editing.read_front_matter, path) if editable else None
        except EditionsError:
            view = None
        source = await run_in_threadpool(_source_text, path)
        evidence = {e.field: e for e in (entry.article.evidence if entry.article else ())}
        if "authors" in evidence:
            evidence["author"] = evidence["authors"]
        values = _article_values(entry, view)
        return page(
            request, "article.html", name=name, entry=entry, view=view, editable=editable, values=values,
            evidence=evidence, source=source, fields=editing.ARTICLE_FIELDS, section="articles",
        )  # fmt: skip

    async def save_article(request: Request) -> Response:
        name = request.path_params["name"]
        path = _checked(workspace, name)
        form = await request.form()
        changes = {key: str(form.get(key) or "") for key in editing.ARTICLE_FIELDS if key in form}
        try:
            await run_in_threadpool(editing.update_front_matter, path, changes)
        except EditionsError as exc:
            workspace.notice("error", _shown(exc, workspace))
            return _back(f"/article/{name}")
        workspace.notice("done", t("saved", name=name))
        return _back(f"/article/{name}")

    async def edition(request: Request) -> Response:
        try:
            values = await run_in_threadpool(editing.manifest_fields, workspace.folder)
        except EditionsError as exc:
            workspace.notice("error", _shown(exc, workspace))
            values = {"pdf": {}}
        styles = await run_in_threadpool(available_styles, workspace.folder)
        return page(
            request, "edition.html", values=values, pdf=values.get("pdf", {}), styles=styles,
            layouts=LAYOUTS, back_covers=BACK_COVERS, fields=editing.EDITION_FIELDS, section="edition",
            note=workspace.build.result.note if workspace.build.result else None,
        )  # fmt: skip

    async def save_edition(request: Request) -> Response:
        form = await request.form()
        fields = {key: str(form.get(key) or "") for key in editing.EDITION_FIELDS if key in form}
        try:
            pdf = _pdf_settings(form)
            style = str(form.get("style") or "").strip()
            await run_in_threadpool(editing.update_manifest, workspace.folder, fields, pdf)
            await run_in_threadpool(editing.set_style, workspace.folder, style)
        except EditionsError as exc:
            workspace.notice("error", _shown(exc, workspace))
            return _back("/edition")
        workspace.notice("done", t("edition_saved"))
        return _back("/edition")

    async def save_cover(request: Request) -> Response:
        async with request.form(max_files=1, max_fields=10, max_part_size=MAX_ARTICLE_BYTES) as form:
            upload = form.get("cover")
            remove = bool(form.get("remove"))
            data = await upload.read(MAX_ARTICLE_BYTES + 1) if isinstance(upload, UploadFile) else b""
            filename = upload.filename if isinstance(upload, UploadFile) else None
        try:
            if remove:
                await run_in_threadpool(editing.set_cover, workspace.folder, None)
            elif data:
                await run_in_threadpool(
                    editing.set_cover, workspace.folder, data, Path(filename or "cover").name
                )
            else:
                raise EditionsError(t("cover_nothing"))
        except EditionsError as exc:
            workspace.notice("error", _shown(exc, workspace))
            return _back("/edition")
        workspace.notice("done", t("edition_saved"))
        return _back("/edition")

    async def cover(request: Request) -> Response:
        try:
            name = editing.manifest_fields(workspace.folder).get("cover") or ""
        except EditionsError:
            name = ""
        path = workspace.folder / name
        try:
            ok = bool(name) and path.resolve(strict=True).parent == workspace.folder and path.is_file()
        except (OSError, RuntimeError):
            ok = False
        if not ok:
            raise HTTPException(404)
        from ..resources import ImageRefused, check_image

        try:
            image = check_image(path.read_bytes())
        except (ImageRefused, OSError):
            raise HTTPException(404) from None
        return Response(image.data, media_type=image.media_type, headers={"cache-control": "no-store"})

    async def build(request: Request) -> Response:
        result = workspace.build.result
        state = workspace.build
        layout = _layout(workspace)
        files = _outputs(workspace)
        return page(
            request, "build.html", state=state, result=result, files=files, layout=layout, section="build"
        )

    async def start_build(request: Request) -> Response:
        form = await request.form()
        outputs = [o for o in ("pdf", "imposed", "epub", "html") if form.get(o)]
        wants_json = request.headers.get("accept", "").startswith("application/json")
        if not outputs:
            workspace.notice("error", t("build_none"))
            status, text = 400, t("build_none")
        elif not workspace.start_build(outputs):
            workspace.notice("error", t("build_busy"))
            status, text = 409, t("build_busy")
        else:
            status, text = 202, t("build_started")
        if wants_json:
            return Response(
                json.dumps({"message": text, "build": workspace.build.number}),
                status_code=status,
                media_type="application/json",
            )
        return _back("/build")

    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[bytes]:
            sent = 0
            yield b"retry: 1000\n\n"
            while True:
                current = workspace.build.events
                while sent < len(current):
                    yield f"data: {json.dumps(current[sent])}\n\n".encode()
                    sent += 1
                if not workspace.build.running and sent >= len(workspace.build.events):
                    return
                if await request.is_disconnected():
                    return
                await asyncio.sleep(EVENTS_POLL)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"cache-control": "no-store"}
        )

    async def thumbnail(request: Request) -> Response:
        kind, number = request.path_params["kind"], request.path_params["number"]
        image = (
            await run_in_threadpool(workspace.thumbnail, kind, number) if kind in ("page", "sheet") else None
        )
        if image is None:
            raise HTTPException(404)
        return Response(image, media_type="image/png", headers={"cache-control": "no-store"})

    async def download(request: Request) -> Response:
        name = request.path_params["name"]
        dist = workspace.folder / DIST
        if not _DOWNLOAD.fullmatch(name):
            raise HTTPException(404)
        path = dist / name
        try:
            inside = path.resolve(strict=True).parent == dist.resolve()
        except (OSError, RuntimeError):
            inside = False
        if not inside or not path.is_file():
            raise HTTPException(404)
        media = _SUFFIX_TYPES.get(path.suffix, "application/octet-stream")
        if path.suffix == ".html":  # the edition's own page: downloaded, not shown inside the app
            media = "application/octet-stream"
        return FileResponse(path, media_type=media, filename=name)

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        text = t("not_found_page") if status == 404 else str(getattr(exc, "detail", "")) or t("error")
        return page(request, "error.html", status=status, message=text, section="")

    routes = [
        Route("/", articles, methods=["GET"]),
        Route("/add", add, methods=["POST"]),
        Route("/arrange", arrange, methods=["POST"]),
        Route("/order", order, methods=["POST"]),
        Route("/article/{name}", article, methods=["GET"]),
        Route("/article/{name}", save_article, methods=["POST"]),
        Route("/edition", edition, methods=["GET"]),
        Route("/edition", save_edition, methods=["POST"]),
        Route("/edition/cover", save_cover, methods=["POST"]),
        Route("/edition/cover.img", cover, methods=["GET"]),
        Route("/build", build, methods=["GET"]),
        Route("/build", start_build, methods=["POST"]),
        Route("/build/events", events, methods=["GET"]),
        Route("/thumb/{kind}/{number:int}.png", thumbnail, methods=["GET"]),
        Route("/download/{name}", download, methods=["GET"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    hosts = host_names(host, port) | set(extra_hosts)
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, hosts=hosts, token=token, max_body=MAX_BODY)],
        exception_handlers={404: not_found, 400: not_found, 405: not_found, 409: not_found},
    )
    app.state.workspace = workspace
    app.state.token = token
    return app


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _shown(exc: EditionsError, workspace: Workspace) -> str:
    """The error's one line, with the edition folder's path left out of file names."""
    return workspace.shown(str(exc))


def _checked(workspace: Workspace, name: str) -> Path:
    try:
        return editing.article_file(workspace.folder, name)
    except EditionsError:
        raise HTTPException(404) from None


def _unlisted(folder: Path) -> list[str]:
    try:
        return editing.unlisted_articles(folder)
    except EditionsError:
        return []


def _edition_title(workspace: Workspace) -> str:
    try:
        title = editing.manifest_fields(workspace.folder).get("title")
    except EditionsError:
        title = None
    return str(title or workspace.folder.name)


def _source_text(path: Path) -> list[str] | None:
    """The lines of a text article as stored (None for Word and OpenDocument files)."""
    from ..textio import read_text

    if path.suffix.lower() in (".docx", ".odt"):
        return None
    try:
        return read_text(path).split("\n")
    except EditionsError:
        return None


def _article_values(entry: Any, view: editing.FrontMatterView | None) -> dict[str, str]:
    """The form's values: the front matter where the file gives a field, else what was detected."""
    values: dict[str, str] = {}
    article = entry.article
    if article is not None:
        source = article.source
        values.update(
            title=article.title,
            subtitle=article.subtitle or "",
            author="; ".join(source.authors),
            date=source.date.isoformat() if source.date else "",
            publication=source.publication or "",
            url=source.url or "",
            lang=article.lang,
            rights=source.rights or "",
            translator="; ".join(source.translators),
            note=source.note or "",
            tags="; ".join(article.tags),
            promos="\n".join(article.promos),
        )
    if view is not None:
        for key, value in view.fields.items():
            if key in editing.ARTICLE_FIELDS:
                separator = "\n" if key == "promos" else "; "
                values[key] = (
                    editing.list_text(value, separator) if key in editing.LIST_FIELDS else str(value)
                )
    return values


def _pdf_settings(form: Any) -> dict[str, Any]:
    """The ``[pdf]`` table from the edition form (empty values remove a setting)."""

    def number(key: str, kind: type = float) -> Any:
        text = str(form.get(key) or "").strip().replace(",", ".")
        if not text:
            return None
        try:
            return kind(text)
        except ValueError:
            raise EditionsError(f"[pdf] {key}: must be a number, not {text!r}") from None

    impose = str(form.get("impose") or "")
    back_cover = str(form.get("back_cover") or "")
    return {
        "paper": str(form.get("paper") or "").strip() or None,
        "font_size": number("font_size"),
        "open_right": True if form.get("open_right") else None,
        "impose": impose if impose in LAYOUTS else None,
        "signature": number("signature", int),
        "duplex": str(form.get("duplex") or "") or None,
        "creep": number("creep"),
        "marks": True if form.get("marks") else None,
        "back_cover": back_cover if back_cover in BACK_COVERS else None,
    }


def _layout(workspace: Workspace) -> str:
    try:
        return str(editing.manifest_fields(workspace.folder)["pdf"].get("impose") or "booklet")
    except EditionsError:
        return "booklet"


def _outputs(workspace: Workspace) -> list[tuple[str, int]]:
    """The files in ``<folder>/dist`` that a build wrote (name, size), newest build's first."""
    dist = workspace.folder / DIST
    if not dist.is_dir():
        return []
    found = [
        (p.name, p.stat().st_size)
        for p in sorted(dist.iterdir())
        if p.is_file() and _DOWNLOAD.fullmatch(p.name)
    ]
    return found


__all__ = ["MAX_BODY", "create_app"]
