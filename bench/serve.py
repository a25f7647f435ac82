#!/usr/bin/env python3
"""How fast ``editions serve`` answers: page response times, and a rebuild after editing one article.

Serves a synthetic edition (``bench/anthology.py``: N articles of W words) with the real server
(uvicorn, in a thread of this process: one warm process, as ``editions serve`` runs) on a free
loopback port, and measures over HTTP, as a browser would:

- each page (articles, one article's review, edition, build) fetched ``--repeat`` times: the
  median and the slowest, against the goal of 100 ms;
- a cold build (PDF and booklet, empty part cache), then: one article's subtitle (which changes
  its own pages only), and then its title (which changes the contents and sources pages too),
  corrected through the review form three times each, a PDF and booklet build started, its
  server-sent events followed to the end, and the first page's thumbnail fetched: the time from
  the edit to the thumbnail, against the goal of 2 s; then every page's thumbnail (how many were
  drawn again: only the changed pages are).

The server, its builds (one process: ``jobs=1``) and the client all run in this process, so the
CPU time printed beside each wall time is what the work costs on a machine with a core to spare:
on a shared machine, the wall time is the CPU time stretched by the load average.

    .venv/bin/python bench/serve.py                  # 10 articles of 1,000 words
    .venv/bin/python bench/serve.py --articles 10 --words 2500 --repeat 50
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)

    import httpx
    import uvicorn
    from anthology import write_anthology

    from editions.web.app import create_app

    work = Path(tempfile.mkdtemp(prefix="editions-bench-serve-"))
    folder = write_anthology(work / "edition", args.articles, args.words)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    app = create_app(folder, host="127.0.0.1", port=port, cache_dir=work / "cache")
    token = app.state.token
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    base = f"http://127.0.0.1:{port}"
    headers = {"origin": base, "x-csrf-token": token}
    client = httpx.Client(base_url=base, timeout=120)
    try:
        names = re.findall(r'data-name="([^"]+)"', client.get("/").text)
        edited = names[len(names) // 2]
        print(f"editions serve bench: {len(names)} articles of {args.words} words,", end=" ")
        print(f"{args.repeat} requests a page")
        print(f"{'page':<28} {'median ms':>10} {'slowest ms':>11}")
        for label, url in [
            ("articles", "/"),
            ("review an article", f"/article/{edited}"),
            ("edition and print", "/edition"),
            ("build", "/build"),
        ]:
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            print(f"{label:<28} {statistics.median(times):>10.1f} {max(times):>11.1f}")

        def build() -> float:
            start = time.perf_counter()
            response = client.post(
                "/build", data={"pdf": "1", "imposed": "1"}, headers={**headers, "accept": "application/json"}
            )
            assert response.status_code == 202, response.text
            with client.stream("GET", "/build/events") as events:
                for line in events.iter_lines():
                    if line.startswith("data: ") and json.loads(line[6:])["done"]:
                        break
            page = client.get("/build").text
            assert "build-done" in page, re.findall(r"The build failed: [^<]*", page)
            assert client.get("/thumb/page/1.png").status_code == 200
            return time.perf_counter() - start

        start_cpu = time.process_time()
        cold = build()
        cold_cpu = time.process_time() - start_cpu
        print(f"cold build (PDF + booklet + thumbnails): {cold:.2f} s, CPU {cold_cpu:.2f} s")
        for label, field in [("subtitle", "subtitle"), ("title", "title")]:
            timings, cpu = [], []
            every: list[tuple[int, int, float]] = []
            for round_ in range(3):
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.post(
                    f"/article/{edited}",
                    data={field: f"A corrected {label}, take {round_ + 1}"},
                    headers=headers,
                )
                assert response.status_code in (200, 303), response.status_code
                build()
                timings.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
                # Then every page's thumbnail, as the build page shows them: only the changed are drawn.
                thumbs = app.state.workspace.thumbnails
                drawn, start_all = thumbs.drawn, time.perf_counter()
                pages = app.state.workspace.build.result.pdf_pages
                for number in range(1, pages + 1):
                    assert client.get(f"/thumb/page/{number}.png").status_code == 200
                every.append((thumbs.drawn - drawn, pages, time.perf_counter() - start_all))
            state = app.state.workspace.build.result
            print(
                f"edit one article's {label} → updated thumbnails: "
                + ", ".join(f"{t:.2f} s" for t in timings)
                + f" (best {min(timings):.2f} s, CPU {min(cpu):.2f} s; goal 2 s; parts rendered"
                f" {state.rendered}, from the cache {state.cached}); then all pages' thumbnails: "
                + ", ".join(f"{d} of {n} drawn again in {t:.2f} s" for d, n, t in every)
            )
    finally:
        client.close()
        server.should_exit = True
        thread.join(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
