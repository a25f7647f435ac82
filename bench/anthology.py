"""A deterministic synthetic anthology for the benchmark: N Markdown articles of about W words.

Each article has YAML front matter (title, authors, date, publication, URL, tags), a standfirst,
section headings, a block quote and one footnote; the words come from a fixed vocabulary of
English sentences drawn by a seeded random generator, so the same (N, W, seed) always gives the
same files, byte for byte::

    python bench/anthology.py /tmp/anthology-100 100 2500
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

SENTENCES = (
    "The committee met every Tuesday in the back room of the library, and the minutes went up on the board.",
    "Nobody expected the rota to change, but it changed three times in a single month without a warning.",
    "Wages had not kept up with rents for a decade, and everyone on the line could tell you by how much.",
    "The management consultants called it flexibility; the people doing the work called it something else.",
    "A strike is not a riot, whatever the newspapers say: it is the collective withdrawal of labour.",
    "In the first week the leaflets were read by a handful of people; by the third they were photocopied.",
    "Solidarity is not an abstraction when the canteen fund pays your electricity bill during a stoppage.",
    "The employer's lawyers found a procedural mistake in the ballot, and the vote had to be held again.",
    "Agency workers were paid less for the same work, on the same machines, under the same supervisors.",
    "Every victory, however small, changed what people thought was possible the next time they met.",
    "The local paper ran the company's statement in full and quoted the union in one line at the bottom.",
    "By the spring the branch had doubled its membership, mostly among people who had never joined anything.",
    "Health and safety was the issue that brought the night shift together, long before pay was mentioned.",
    "Historians of the labour movement have long argued that organisation precedes mobilisation.",
    "The dispute lasted eleven weeks and ended with an agreement that nobody liked and everybody signed.",
    "Interdepartmental communication remained notoriously unsatisfactory, notwithstanding reorganisation.",
    "Rents in the district rose by a third in two years, while the council's waiting list grew longer.",
    "The tenants' association began with six households and a kettle, and within a year it had two hundred.",
    "What the official statistics call underemployment, the people living it call too few hours to live on.",
    "A reporter asked the convenor whether she was afraid; she said that fear was the employer's best tool.",
)
WORDS_PER_SENTENCE = sum(len(s.split()) for s in SENTENCES) / len(SENTENCES)
HEADINGS = (
    "What happened",
    "Why it matters",
    "The employer's answer",
    "Voices from the floor",
    "What the figures say",
    "What next",
)
TITLE_WORDS = (
    "Night Shift",
    "Canteen Fund",
    "Picket Line",
    "Ballot",
    "Rota",
    "Tenants",
    "Warehouse",
    "Agency Work",
    "Cost of Living",
    "Union Branch",
    "Strike Fund",
    "Safety Committee",
)
AUTHORS = ("Maria Okafor", "Dan Whitlow", "Aisha Rahman", "Tomasz Nowak", "Lucía Fernández", "Grace Mbeki")


def article_markdown(index: int, words: int, rng: random.Random) -> str:
    """One article of about ``words`` words (deterministic for a given ``rng`` state)."""
    title = f"{rng.choice(TITLE_WORDS)} and the {rng.choice(TITLE_WORDS)}: Report {index + 1}"
    authors = rng.sample(AUTHORS, k=1 if index % 3 else 2)
    lines = [
        "---",
        f'title: "{title}"',
        f'subtitle: "{rng.choice(SENTENCES)}"',
        f"author: [{', '.join(authors)}]",
        f"date: {2020 + index % 5}-{index % 12 + 1:02d}-{index % 28 + 1:02d}",
        "publication: The Organiser",
        f"url: https://example.org/{2020 + index % 5}/report-{index + 1}",
        f"tags: [labour, topic-{index % 7}]",
        "---",
        "",
    ]
    sentences = max(4, round(words / WORDS_PER_SENTENCE))
    sections = 3 + index % 3
    per_section = max(1, sentences // sections)
    note_section = index % sections
    for section in range(sections):
        if section:
            lines += [f"## {HEADINGS[(index + section) % len(HEADINGS)]}", ""]
        left = per_section if section < sections - 1 else sentences - per_section * (sections - 1)
        paragraph: list[str] = []
        quoted = section == 1 or sections == 1
        while left > 0:
            take = min(left, rng.randint(3, 6))
            paragraph = [rng.choice(SENTENCES) for _ in range(take)]
            left -= take
            text = " ".join(paragraph)
            if section == note_section and "[^1]" not in "\n".join(lines):
                text += "[^1]"
            if quoted and left > 0 and take >= 4:
                lines += ["> " + text, ""]
                quoted = False
            else:
                lines += [text, ""]
    lines += [f"[^1]: {rng.choice(SENTENCES)} {rng.choice(SENTENCES)}", ""]
    return "\n".join(lines)


def write_anthology(folder: Path, n: int, words: int = 2500, *, seed: int = 2024) -> Path:
    """Write ``n`` articles and an ``edition.toml`` into ``folder`` (created); return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = []
    for index in range(n):
        name = f"{index + 1:04d}-report.md"
        names.append(name)
        text = article_markdown(index, words, rng)
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    manifest = "\n".join(
        [
            f'title = "The Organiser: {n} Reports"',
            'subtitle = "A synthetic anthology for the editions benchmark"',
            'editor = "The Benchmark Collective"',
            'publisher = "Tenter Hooks Press"',
            "date = 2024-05-01",
            'lang = "en"',
            'rights = "Synthetic text, free to reuse."',
            "articles = [" + ", ".join(f'"{name}"' for name in names) + "]",
            "",
        ]
    )
    toml = folder / "edition.toml"
    if not toml.exists() or toml.read_text(encoding="utf-8") != manifest:
        toml.write_text(manifest, encoding="utf-8")
    return folder


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: anthology.py FOLDER N [WORDS]", file=sys.stderr)
        return 2
    folder = write_anthology(Path(argv[0]), int(argv[1]), int(argv[2]) if len(argv) > 2 else 2500)
    print(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
