"""Same bytes before and after: build editions with two versions of the code and compare the files.

For each edition folder given (and, with ``--anthology N``, a synthetic anthology of N articles made
by :mod:`anthology`), this builds the PDF with its imposed booklet (``make-pdf --impose booklet``, so
also the booklet's printing note), the EPUB and the HTML edition, with ``SOURCE_DATE_EPOCH`` set and an
empty cache folder, once with the code of this working tree and once with the code of a git revision
(``--before``, exported with ``git archive``), each in its own processes; then it compares the files
byte for byte and prints their SHA-256. Exit status 0 when every file is identical, 1 otherwise::

    python bench/same_bytes.py --before main articles path/to/seeds --anthology 100

Without ``--before`` it only builds with this tree and prints the digests (to compare by hand).
A restructuring that changes no output must leave every line ``same``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EPOCH = "1700000000"


def export(revision: str, folder: Path) -> Path:
    """The tree of ``revision`` written into ``folder`` (with ``git archive``); its root."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", revision], check=True, capture_output=True
    ).stdout
    folder.mkdir(parents=True, exist_ok=True)
    tar_path = folder.with_suffix(".tar")
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            tar.extractall(folder, filter="data")
        else:
            tar.extractall(folder)  # our own repository's files
    tar_path.unlink()
    return folder


def build(tree: Path, edition: Path, out: Path, cache: Path) -> list[Path]:
    """Build the PDF (with its booklet), the EPUB and the HTML of ``edition`` with the code of ``tree``."""
    out.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        PYTHONPATH=str(tree / "src"),
        SOURCE_DATE_EPOCH=EPOCH,
        EDITIONS_CACHE_DIR=str(cache),
        PYTHONHASHSEED="0",
    )
    name = edition.name
    commands = [
        ["pdf", str(edition), "-o", str(out / f"{name}.pdf"), "--impose", "booklet", "-q"],
        ["epub", str(edition), "-o", str(out / f"{name}.epub"), "-q"],
        ["html", str(edition), "-o", str(out / f"{name}.html"), "-q"],
    ]
    for command in commands:
        subprocess.run([sys.executable, "-m", "editions", *command], check=True, env=env, cwd=tree)
    return sorted(out.iterdir())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("editions", nargs="*", type=Path, help="edition folders (or edition.toml files)")
    parser.add_argument("--before", metavar="REV", help="the git revision to compare with (e.g. main)")
    parser.add_argument(
        "--anthology", type=int, default=0, metavar="N", help="also an anthology of N articles"
    )
    parser.add_argument("--work", type=Path, help="where to build (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="editions-same-bytes-") as scratch:
        work = args.work or Path(scratch)
        editions = [e.resolve() for e in args.editions]
        if args.anthology:
            sys.path.insert(0, str(HERE))
            from anthology import write_anthology

            editions.append(write_anthology(work / f"anthology-{args.anthology}", args.anthology).resolve())
        trees = {"after": REPO}
        if args.before:
            trees = {"before": export(args.before, work / "tree-before"), **trees}
        digests: dict[str, dict[str, str]] = {}
        for side, tree in trees.items():
            for edition in editions:
                started = time.monotonic()
                made = build(tree, edition, work / side / edition.name, work / f"cache-{side}")
                for path in made:
                    digests.setdefault(f"{edition.name}/{path.name}", {})[side] = sha256(path)
                print(f"{side}: {edition.name} built in {time.monotonic() - started:.1f} s", file=sys.stderr)
        different = 0
        for name, found in sorted(digests.items()):
            if len(trees) == 1:
                print(f"{found['after']}  {name}")
                continue
            same = found.get("before") is not None and found.get("before") == found.get("after")
            different += not same
            print(f"{'same' if same else 'DIFFERENT':9} {found.get('after', '-')[:16]}  {name}")
        if len(trees) > 1:
            print(f"{len(digests) - different} of {len(digests)} files identical")
        return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())
