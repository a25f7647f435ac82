"""Benchmark: editions against the alternatives on synthetic anthologies, side by side in one run.

For each size N (articles of W words, from ``bench/anthology.py``) it measures, each command in its
own process tree:

* ``make-pdf`` (cold: an empty cache folder) against one ``weasyprint`` render of the same print
  HTML (``make-pdf --keep-html``), the ratio of their wall times, page counts and file sizes;
* ``make-pdf`` again after editing one article (the cache warm), against the cold build;
* ``make-epub`` against ``pandoc`` building an EPUB from the same Markdown files;
* imposition of the PDF as a booklet (:func:`editions.impose`), in pages per second;

with wall time, CPU time (user + system, the whole process tree), the peak resident memory of any
one process of the tree (``wait4``'s ``ru_maxrss``) and of the tree as a whole (sampled every 0.1 s
from ``/proc``). It prints a Markdown report and writes it to ``bench/RESULTS.md``::

    .venv/bin/python bench/run.py                      # N = 10, 100, 400 at 2,500 words
    .venv/bin/python bench/run.py --sizes 10,100 --words 1000 --out /tmp/r.md

Other sessions on a shared machine skew wall times: the load average before each command is in the
detailed table, and ``--repeat`` keeps the fastest of several runs. ``--load K`` runs K busy
processes beside each measured command, to see how it fares when other work shares the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from anthology import write_anthology  # noqa: E402

BIN = Path(sys.executable).parent
EPOCH = "1700000000"

TARGETS = {
    "pdf_time": 0.65,  # make-pdf / weasyprint, 100 articles
    "pdf_size": 1.15,  # make-pdf file / weasyprint file, 100 articles
    "rebuild": 0.35,  # rebuild after one edit / cold build
    "rss_mb": 600,  # peak RSS of any one process, 400 articles
    "epub_time": 1.0,  # make-epub / pandoc, 100 articles
    "impose_pps": 500,  # imposition, pages per second
}


@dataclass
class Run:
    label: str
    wall: float
    cpu: float
    rss_mb: float  # the largest single process
    tree_mb: float  # the whole process tree, sampled
    load: float
    ok: bool = True
    output: str = ""
    extra: dict[str, float] = field(default_factory=dict)


def _tree_rss(root: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    page = os.sysconf("SC_PAGE_SIZE")
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
        stack.extend(children.get(pid, []))
    return total


#: Busy processes run beside each measured command (``--load``), as another user's work would.
BUSY = 0


def _busy(count: int) -> list[subprocess.Popen[bytes]]:
    """``count`` processes that keep a core busy until killed (``while True: pass``)."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    if hogs:
        time.sleep(0.2)  # running before the command starts
    return hogs


def measure(
    label: str, command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Run:
    """Run a command (beside :data:`BUSY` busy processes); its wall and CPU time, and the peak memory
    of its biggest process and tree (the busy processes are not counted)."""
    hogs = _busy(BUSY)
    try:
        return _measure(label, command, env=env, cwd=cwd)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def _measure(
    label: str, command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Run:
    load = os.getloadavg()[0]
    environment = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, **(env or {}))
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=environment, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(process.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        label,
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        peak[0] / 2**20,
        load,
        process.returncode == 0,
        output[-2000:],
    )


#: How the runs of a command are summed up: ``best`` (the fastest) or ``median`` (``--median``).
STATISTIC = "best"


def best(runs: list[Run]) -> Run:
    """The fastest of the good runs, or with ``--median`` the median one (by wall time)."""
    good = sorted([r for r in runs if r.ok] or runs, key=lambda r: r.wall)
    return good[(len(good) - 1) // 2] if STATISTIC == "median" else good[0]


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def edit_one_article(folder: Path, n: int) -> tuple[Path, str]:
    article = sorted(folder.glob("*.md"))[n // 2]
    original = article.read_text(encoding="utf-8")
    edited = original.replace("The committee met", "The branch committee met", 1)
    if edited == original:
        edited = original.rstrip("\n") + "\n\nOne more sentence for the benchmark's edit.\n"
    article.write_text(edited, encoding="utf-8")
    return article, original


def bench_size(n: int, words: int, work: Path, repeat: int, jobs: int | None) -> dict[str, object]:
    folder = write_anthology(work / f"anthology-{n}", n, words)
    out = work / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cache = work / f"cache-{n}"
    jobs_args = ["--jobs", str(jobs)] if jobs else []
    result: dict[str, object] = {"n": n, "words": words}

    # make-pdf, cold (an empty cache), keeping the print HTML for the weasyprint command; each run
    # followed by its weasyprint run, so that the two of a pair see the same load on a shared machine.
    pdf = out / "editions.pdf"
    html = out / "editions.print.html"
    cold_runs, mono_runs = [], []
    for _ in range(repeat):
        shutil.rmtree(cache, ignore_errors=True)
        cold_runs.append(
            measure(
                "make-pdf (cold)",
                [str(BIN / "make-pdf"), str(folder), "-o", str(pdf), "--keep-html", "-q", *jobs_args],
                env={"EDITIONS_CACHE_DIR": str(cache)},
            )
        )
        mono_runs.append(
            measure(
                "weasyprint (one render)", [str(BIN / "weasyprint"), str(html), str(out / "weasyprint.pdf")]
            )
        )
    cold, mono = best(cold_runs), best(mono_runs)
    result["ratios"] = sorted(c.wall / m.wall for c, m in zip(cold_runs, mono_runs, strict=True) if m.wall)
    result["cpu_ratios"] = sorted(c.cpu / m.cpu for c, m in zip(cold_runs, mono_runs, strict=True) if m.cpu)
    # Rebuild after editing one article, then put it back.
    article, original = edit_one_article(folder, n)
    try:
        rebuild = measure(
            "make-pdf (rebuild, one article edited)",
            [str(BIN / "make-pdf"), str(folder), "-o", str(out / "rebuilt.pdf"), "-q", *jobs_args],
            env={"EDITIONS_CACHE_DIR": str(cache)},
        )
    finally:
        article.write_text(original, encoding="utf-8")
    # EPUB: make-epub against pandoc on the same Markdown.
    epub = best(
        [
            measure(
                "make-epub", [str(BIN / "make-epub"), str(folder), "-o", str(out / "editions.epub"), "-q"]
            )
            for _ in range(repeat)
        ]
    )
    sources = sorted(str(p) for p in folder.glob("*.md"))
    pandoc = None
    if shutil.which("pandoc"):
        pandoc = best(
            [
                measure(
                    "pandoc (EPUB)",
                    [
                        "pandoc",
                        "-f",
                        "markdown",
                        "-t",
                        "epub3",
                        "-o",
                        str(out / "pandoc.epub"),
                        "--metadata",
                        f"title=Anthology {n}",
                        *sources,
                    ],
                )
                for _ in range(repeat)
            ]
        )
    # Imposition of the PDF as a booklet.
    script = (
        "import sys, time; from editions.impose import impose; import editions.imposepdf, pypdf; "
        "t = time.perf_counter(); "
        "r = impose(sys.argv[1], sys.argv[2], layout='booklet'); "
        "print('IMPOSE', time.perf_counter() - t)"
    )
    imposition = measure(
        "impose (booklet)", [sys.executable, "-c", script, str(pdf), str(out / "booklet.pdf")]
    )
    match = re.search(r"IMPOSE ([\d.]+)", imposition.output)
    impose_seconds = float(match.group(1)) if match else float("nan")

    pages = pdf_pages(pdf) if cold.ok else 0
    mono_pages = pdf_pages(out / "weasyprint.pdf") if mono.ok else 0
    result.update(
        cold=cold,
        mono=mono,
        rebuild=rebuild,
        epub=epub,
        pandoc=pandoc,
        impose=imposition,
        impose_seconds=impose_seconds,
        pages=pages,
        mono_pages=mono_pages,
        size=pdf.stat().st_size if pdf.exists() else 0,
        mono_size=(out / "weasyprint.pdf").stat().st_size if (out / "weasyprint.pdf").exists() else 0,
        epub_size=(out / "editions.epub").stat().st_size if (out / "editions.epub").exists() else 0,
        pandoc_size=(out / "pandoc.epub").stat().st_size if (out / "pandoc.epub").exists() else 0,
    )
    return result


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pypdf
    import weasyprint

    pandoc = (
        subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        if shutil.which("pandoc")
        else "no pandoc"
    )
    return (
        f"{cpu}, {cores} cores, {ram:.0f} GB RAM; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, "
        f"pypdf {pypdf.__version__}, {pandoc}"
    )


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


def _check(value: float, target: float, *, at_most: bool = True) -> str:
    ok = value <= target if at_most else value >= target
    return "✅" if ok else "❌"


def report(results: list[dict[str, object]], started: str, args: argparse.Namespace) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"`{' '.join(['bench/run.py', *sys.argv[1:]])}` — {started}",
        "",
        f"Machine: {machine()}.",
        "",
        f"Wall times are the {'median' if STATISTIC == 'median' else 'fastest'} of the runs (`--repeat`), "
        "each command in its own process tree"
        + (f", each beside {BUSY} busy process(es) (`--load {BUSY}`)" if BUSY else "")
        + ";",
        "*peak RSS* is the largest single process of the tree (`ru_maxrss`), *tree* the whole tree sampled.",
        "",
        "## Against the targets (issue 8)",
        "",
        "| N | make-pdf / weasyprint (≤ 0.65) | size ratio (≤ 1.15) | pages (same ±1 %) "
        "| rebuild / cold (≤ 0.35) "
        "| peak RSS, one process (≤ 600 MB) | make-epub / pandoc (≤ 1.0) | imposition (≥ 500 p/s) |",
        "| --: | --: | --: | --: | --: | --: | --: | --: |",
    ]
    for r in results:
        cold, mono, rebuild, epub, pandoc = r["cold"], r["mono"], r["rebuild"], r["epub"], r["pandoc"]
        pps = r["pages"] / r["impose_seconds"] if r["impose_seconds"] else 0
        lines.append(
            f"| {r['n']} | {_ratio(cold.wall, mono.wall)} "
            f"{_check(cold.wall / mono.wall, TARGETS['pdf_time'])} "
            f"| {_ratio(r['size'], r['mono_size'])} "
            f"{_check(r['size'] / max(1, r['mono_size']), TARGETS['pdf_size'])} "
            f"| {r['pages']} / {r['mono_pages']} "
            f"| {_ratio(rebuild.wall, cold.wall)} {_check(rebuild.wall / cold.wall, TARGETS['rebuild'])} "
            f"| {cold.rss_mb:.0f} MB {_check(cold.rss_mb, TARGETS['rss_mb'])} "
            f"| {_ratio(epub.wall, pandoc.wall) if pandoc else '–'} "
            f"{_check(epub.wall / pandoc.wall, TARGETS['epub_time']) if pandoc else ''} "
            f"| {pps:,.0f} {_check(pps, TARGETS['impose_pps'], at_most=False)} |"
        )
    lines += [
        "",
        f"Runs summed up by: {'the median' if STATISTIC == 'median' else 'the fastest'} of {args.repeat}.",
    ]
    for r in results:
        walls = ", ".join(f"{x:.2f}×" for x in r["ratios"])
        cpus = ", ".join(f"{x:.2f}×" for x in r["cpu_ratios"])
        lines.append(
            f"N = {r['n']}: make-pdf / weasyprint, each run against the one after it: "
            f"wall {walls}; CPU {cpus}."
        )
    lines += [
        "",
        "The targets apply at N = 100 (time, size, EPUB), N = 400 (memory), and to every size "
        "(rebuild, imposition).",
        "",
        "## Details",
        "",
        "| N | command | wall s | CPU s | pages/s | peak RSS one process | peak RSS tree | output "
        "| load before |",
        "| --: | --- | --: | --: | --: | --: | --: | --: | --: |",
    ]
    for r in results:
        rows = [
            (r["cold"], r["pages"], r["size"]),
            (r["mono"], r["mono_pages"], r["mono_size"]),
            (r["rebuild"], r["pages"], None),
            (r["epub"], None, r["epub_size"]),
            (r["pandoc"], None, r["pandoc_size"]),
            (r["impose"], r["pages"], None),
        ]
        for run, pages, size in rows:
            if run is None:
                continue
            seconds = r["impose_seconds"] if run is r["impose"] else run.wall
            pps = f"{pages / seconds:,.1f}" if pages and seconds else ""
            status = "" if run.ok else " (failed)"
            lines.append(
                f"| {r['n']} | {run.label}{status} | {seconds:.2f} | {run.cpu:.1f} | {pps} "
                f"| {run.rss_mb:.0f} MB "
                f"| {run.tree_mb:.0f} MB | {f'{size / 2**20:.2f} MB' if size else ''} | {run.load:.2f} |"
            )
    lines += [
        "",
        "Imposition time is measured inside the process (the interpreter's start and imports excluded);",
        "its row's CPU and memory are those of the whole process.",
        "",
    ]
    failed = [
        run
        for r in results
        for run in (r["cold"], r["mono"], r["rebuild"], r["epub"], r["pandoc"], r["impose"])
        if run is not None and not run.ok
    ]
    for run in failed:
        lines += [f"**{run.label} failed:**", "", "```", run.output.strip()[-1500:], "```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,400", help="numbers of articles (default: 10,100,400)")
    parser.add_argument("--words", type=int, default=2500, help="words per article (default: 2500)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each timed command; the fastest counts"
    )
    parser.add_argument(
        "--median", action="store_true", help="keep the median of the --repeat runs, not the fastest"
    )
    parser.add_argument("--jobs", type=int, help="make-pdf --jobs (default: its own, one per CPU)")
    parser.add_argument(
        "--load",
        type=int,
        default=0,
        metavar="K",
        help="run K busy processes (while True: pass) beside each measured command (default: 0)",
    )
    parser.add_argument(
        "--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "editions-bench"
    )
    parser.add_argument(
        "--out", type=Path, default=HERE / "RESULTS.md", help="the report (default: bench/RESULTS.md)"
    )
    args = parser.parse_args(argv)
    global STATISTIC, BUSY
    STATISTIC = "median" if args.median else "best"
    BUSY = max(0, args.load)
    started = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    results = []
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        print(f"N = {n}…", file=sys.stderr, flush=True)
        results.append(bench_size(n, args.words, args.work, args.repeat, args.jobs))
        text = report(results, started, args)
        kept = kept_sections(args.out)
        args.out.write_text(f"{text.rstrip()}\n\n{REPORT_END}\n\n{kept}", encoding="utf-8")
    print(text)
    return 0


#: Ends this script's part of the report; what follows it (notes written by hand, the sections
#: of ``bench/fidelity.py`` and ``bench/justify.py``) is kept when the report is written again.
REPORT_END = "<!-- the end of bench/run.py's report: what follows is kept -->"
_LEGACY_END = "its row's CPU and memory are those of the whole process.\n"


def kept_sections(path: Path) -> str:
    """What follows this script's report in ``path`` (notes, other benchmarks' sections)."""
    if not path.exists():
        return ""
    old = path.read_text(encoding="utf-8")
    for end in (REPORT_END, _LEGACY_END):
        if end in old:
            return old[old.index(end) + len(end) :].lstrip("\n")
    starts = [i for i in (old.find("<!-- fidelity -->"), old.find("<!-- justify")) if i >= 0]
    return old[min(starts) :] if starts else ""


if __name__ == "__main__":
    raise SystemExit(main())
