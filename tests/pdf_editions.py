"""Editions written on the fly for the PDF tests and for looking at the output by hand.

``write_long_edition(folder, n=20)`` writes ``n`` Markdown articles of varied length (sections,
footnotes, quotes, lists, long titles, several authors) and an ``edition.toml``; the text is
drawn deterministically from a fixed stock of sentences, so every run writes the same files.

By hand: ``python tests/pdf_editions.py /tmp/long 20`` then ``make-pdf /tmp/long``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

SENTENCES = (
    "The committee met every Tuesday in the back room of the library, and the minutes went up on the notice board by Wednesday.",
    "Nobody expected the rota to change, but it changed three times in a single month without a word of warning.",
    "Wages had not kept up with rents for a decade, and everyone on the line could tell you by exactly how much.",
    "The management consultants called it flexibility; the people doing the work called it something else.",
    "A strike is not a riot, whatever the newspapers say: it is the collective withdrawal of labour, planned and voted on.",
    "In the first week the leaflets were read by a handful of people; by the third week they were being photocopied by the workers themselves.",
    "Solidarity is not an abstraction when the canteen fund pays your electricity bill during a stoppage.",
    "The employer's lawyers found a procedural mistake in the ballot, and the whole vote had to be held again.",
    "Agency workers were paid less for the same work, on the same machines, under the same supervisors.",
    "Every victory, however small, changed what people thought was possible the next time they sat down together.",
    "The local paper ran the company's statement in full and quoted the union in a single line at the bottom.",
    "By the spring the branch had doubled its membership, mostly among people under thirty who had never joined anything before.",
    "Health and safety was the issue that brought the night shift together, long before anyone mentioned pay.",
    "Historians of the labour movement have long argued that organisation precedes mobilisation, not the other way round.",
    "The dispute lasted eleven weeks and ended with an agreement that nobody fully liked and everybody signed.",
    "Interdepartmental communication remained notoriously unsatisfactory, notwithstanding the reorganisation.",
)

TITLES = (
    "The Night Shift",
    "Wages, Rents and the Cost of Living: What the Official Figures Leave Out",
    "Why We Voted to Strike",
    "A Short History of the Canteen Fund",
    "Agency Work and the Two-Tier Workforce in Logistics, Retail and the Care Sector",
    "Notes from a Picket Line",
    "The Ballot",
    "Organising the Unorganised: Lessons from a Decade of Campaigns in Small Workplaces",
    "What the Newspapers Did Not Say",
    "Safety First",
)

AUTHORS = ("Maria Okafor", "Dan Whitlow", "Aisha Rahman", "Tomasz Nowak", "Lucía Fernández", "Grace Mbeki")


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(sentences))


def article_markdown(index: int, rng: random.Random) -> str:
    title = TITLES[index % len(TITLES)] + ("" if index < len(TITLES) else f" ({index // len(TITLES) + 1})")
    authors = rng.sample(AUTHORS, k=1 if index % 3 else 2)
    lines = [
        "---",
        f'title: "{title}"',
        f"author: [{', '.join(authors)}]",
        f"date: 2023-{index % 12 + 1:02d}-{index % 27 + 1:02d}",
        "publication: The Organiser",
        f"url: https://example.org/articles/{2000 + index}/story-{index}",
        f"tags: [labour, topic-{index % 4}]",
        "---",
        "",
    ]
    notes = []
    sections = 1 + index % 4
    for section in range(sections):
        if section:
            lines += [f"## Part {section + 1}: {rng.choice(('What happened', 'Why it matters', 'What next'))}", ""]
        for _ in range(2 + (index * 7 + section) % 5):
            text = _paragraph(rng, rng.randint(2, 6))
            if rng.random() < 0.25:
                notes.append(_paragraph(rng, rng.randint(1, 2)))
                text += f"[^{len(notes)}]"
            lines += [text, ""]
        if (index + section) % 3 == 0:
            lines += ["> " + _paragraph(rng, 2), ""]
        if (index + section) % 4 == 1:
            lines += [f"- {rng.choice(SENTENCES)}" for _ in range(3)] + [""]
    for number, note in enumerate(notes, start=1):
        lines += [f"[^{number}]: {note}", ""]
    return "\n".join(lines)


def write_long_edition(folder: Path, n: int = 20, *, seed: int = 7) -> Path:
    """Write ``n`` articles and an ``edition.toml`` into ``folder``; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = []
    for index in range(n):
        name = f"{index + 1:02d}-article.md"
        (folder / name).write_text(article_markdown(index, rng), encoding="utf-8")
        names.append(name)
    listed = ", ".join(f'"{name}"' for name in names)
    (folder / "edition.toml").write_text(
        "\n".join(
            [
                'title = "Twenty Articles on Work"',
                'subtitle = "A long edition for testing the pamphlet layout"',
                'editor = "The Test Collective"',
                'publisher = "Tenter Hooks Press"',
                "date = 2024-05-01",
                'lang = "en"',
                'rights = "For non-commercial education."',
                f"articles = [{listed}]",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return folder


if __name__ == "__main__":
    print(write_long_edition(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 20))
