"""The bookbuilder in the browser: ``editions serve`` (a thin web layer over the library).

In: an edition folder, and the address to serve it at. Out: a local web app (Starlette, served by
uvicorn) whose pages read and write that folder's article files and ``edition.toml`` through the
library (:mod:`editions.editing`, :mod:`editions.builds`), so the command line and the browser can
be used in turn on the same folder.

- :mod:`.app`: the routes and pages; :mod:`.security`: the guard in front of them; :mod:`.workspace`:
  what the server keeps in memory (articles as read, the one build); :mod:`.strings`: every word
  shown; ``templates/`` and ``static/`` (htmx, the app's own script and style sheet) ship in the wheel.
"""

from __future__ import annotations

import logging
import webbrowser
from pathlib import Path

from ..errors import EditionsError

log = logging.getLogger("editions")

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(
    folder: str | Path, *, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True
) -> None:
    """Serve the edition in ``folder`` at ``http://host:port`` until Ctrl-C (or SIGTERM).

    The folder is created when it does not exist (an edition to start from pasted articles). A
    ``host`` other than a loopback address is served with a warning: anyone who can reach it can
    change the folder. Raises :class:`EditionsError` for a folder that is a file, a bad port, or an
    address that cannot be listened on.
    """
    import uvicorn

    from .app import create_app

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise EditionsError("not a folder", folder)
    if not 0 < port < 65536:
        raise EditionsError(f"--port must be between 1 and 65535, not {port}")
    folder.mkdir(parents=True, exist_ok=True)
    if host not in LOOPBACK:
        log.warning(
            "serving on %s: anyone who can reach this address can read and change %s (use the default "
            "127.0.0.1 unless you mean it)",
            host,
            folder,
        )
    app = create_app(folder, host=host, port=port)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2, lifespan="off"
    )
    server = uvicorn.Server(config)
    print(f"editions serve: {folder} at {url} (Ctrl-C to stop)", flush=True)
    if open_browser:
        import threading

        opener = threading.Timer(0.5, lambda: webbrowser.open(url))
        opener.daemon = True
        opener.start()
    try:
        server.run()
    except OSError as exc:
        raise EditionsError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if not server.started:
        raise EditionsError(f"cannot listen on {host}:{port} (is another server using the port?)")


__all__ = ["serve"]
