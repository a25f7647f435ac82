"""The finishing step every reader shares (editions.readers.finish): typography for the metadata too.

Straight quotes and apostrophes typed in a title, a name or a publication come out with the
punctuation of the article's language wherever they are printed: the HTML edition, the PDF's text
and metadata, and the EPUB's package document.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

import editions
from editions import load_edition, read_article

NBSP = "\u00a0"
NNBSP = "\u202f"
WJ = "\u2060"

TITLE = '"Workers" -- united'
AUTHOR = "Seán O'Brien"
PUBLICATION = "L'Humanité"

BODIES = {
    "en": [
        "The workers voted to strike by a large majority on Monday evening, after talks failed again.",
        "The union said the vote showed how strongly members felt about rota changes made without warning.",
    ],
    "fr": [
        "Les salariés ont voté la grève à 90% des voix lundi soir, après l'échec des négociations.",
        "Le syndicat estime que le vote montre la colère des salariés face aux changements d'horaires.",
    ],
    "de": [
        "Die Beschäftigten haben am Montagabend mit großer Mehrheit für einen Streik gestimmt.",
        "Die Gewerkschaft sagt, das Ergebnis zeige, wie sehr die Schichtpläne die Belegschaft empören.",
    ],
}
# What the title prints as: English closes up an em dash (a word joiner keeps it off a line's
# start); French and German space an en dash; each language has its own quotation marks.
TITLES = {
    "en": f"“Workers”{WJ}—united",
    "fr": f"«{NNBSP}Workers{NNBSP}»{NBSP}– united",
    "de": f"„Workers“{NBSP}– united",
}


def write_article(folder: Path, lang: str) -> Path:
    """English: a .txt as copied from a page (fields detected); French: Markdown with front matter;
    German: a .txt with front matter."""
    body = "\n\n".join(BODIES[lang]) + "\n"
    if lang == "en":
        path = folder / "workers.txt"
        path.write_text(
            f"{PUBLICATION}\nHome | News | About\n\n{TITLE}\n\nBy {AUTHOR}\nJanuary 9, 2023\n\n{body}",
            encoding="utf-8",
        )
        return path
    front = (
        f'---\ntitle: \'{TITLE}\'\nauthor: "{AUTHOR}"\npublication: "{PUBLICATION}"\n'
        f"date: 2023-01-09\nlang: {lang}\n---\n"
    )
    path = folder / ("workers.md" if lang == "fr" else "workers.txt")
    path.write_text(front + body, encoding="utf-8")
    return path


def plain(text: str) -> str:
    """Text with no-break spaces as spaces and without word joiners (as PDF text extraction may give it)."""
    return re.sub(f"[{NBSP}{NNBSP}\u2009]", " ", text.replace(WJ, ""))


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_title_names_and_publication_are_typeset(tmp_path: Path, lang: str) -> None:
    article = read_article(write_article(tmp_path, lang))
    assert article.lang == lang
    assert article.title == TITLES[lang]
    assert article.authors == ("Seán O’Brien",)
    assert article.source.publication == "L’Humanité"


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_metadata_typography_in_every_output(tmp_path: Path, lang: str) -> None:
    write_article(tmp_path, lang)
    edition = load_edition([tmp_path])
    out = tmp_path / "out"

    html = editions.make_html(edition, out / "e.html").read_text(encoding="utf-8")
    assert html.count(TITLES[lang]) >= 2  # <title>, the contents and the article's heading
    assert "Seán O’Brien" in html and "L’Humanité" in html
    assert "O'Brien" not in html and "L'Humanit" not in html and "&#39;" not in html

    pdf = editions.make_pdf(edition, out / "e.pdf").path
    text = plain(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    )
    assert plain(TITLES[lang]) in text
    assert "O’Brien" in text and "L’Humanité" in text and "'" not in text and '"' not in text
    info = PdfReader(pdf).metadata
    assert info is not None and info.title == TITLES[lang] and info.author == "Seán O’Brien"

    book = editions.make_epub(edition, out / "e.epub")
    with zipfile.ZipFile(book) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    ns = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.xpath("//dc:title/text()", namespaces=ns) == [TITLES[lang]]
    assert opf.xpath("//dc:creator/text()", namespaces=ns) == ["Seán O’Brien"]


def test_french_percent_in_the_body(tmp_path: Path) -> None:
    article = read_article(write_article(tmp_path, "fr"))
    assert f"à 90{NNBSP}% des voix" in article.body_html


def test_edition_fields_get_the_edition_language(tmp_path: Path) -> None:
    write_article(tmp_path, "fr")
    (tmp_path / "edition.toml").write_text(
        'title = "Voix d\'en bas"\nsubtitle = \'Les "cahiers" -- 2024\'\neditor = "Máire O\'Neill"\n'
        'publisher = "L\'Atelier"\nrights = "Reproduit avec l\'accord des auteurs."\n'
        'colophon = "Tiré à 500 exemplaires, 100% recyclé..."\ncontact = "l\'atelier@example.org"\n'
        'lang = "fr"\n',
        encoding="utf-8",
    )
    edition = load_edition([tmp_path])
    assert edition.title == "Voix d’en bas"
    assert edition.subtitle == f"Les «{NNBSP}cahiers{NNBSP}»{NBSP}– 2024"
    assert edition.editor == "Máire O’Neill"
    assert edition.publisher == "L’Atelier"
    assert edition.rights == "Reproduit avec l’accord des auteurs."
    assert edition.colophon == f"Tiré à 500 exemplaires, 100{NNBSP}% recyclé…"
    assert edition.contact == "l'atelier@example.org"  # an address is copied, not typeset
    assert edition.slug == "voix-den-bas"

    book = editions.make_epub(edition, tmp_path / "e.epub")
    with zipfile.ZipFile(book) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    ns = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.xpath("//dc:title/text()", namespaces=ns) == ["Voix d’en bas", edition.subtitle]
    assert opf.xpath("//dc:publisher/text()", namespaces=ns) == ["L’Atelier"]
    assert "Máire O’Neill" in opf.xpath("//dc:creator/text()", namespaces=ns)


def test_typesetting_twice_changes_nothing(tmp_path: Path) -> None:
    """A title already typeset (given again in front matter, or reused as the edition's) stays as it is."""
    article = read_article(write_article(tmp_path, "fr"))
    path = tmp_path / "again.md"
    path.write_text(
        f"---\ntitle: '{article.title}'\nauthor: '{article.authors[0]}'\n"
        f"publication: '{article.source.publication}'\nlang: fr\n---\n{BODIES['fr'][0]}\n",
        encoding="utf-8",
    )
    again = read_article(path)
    assert (again.title, again.authors, again.source.publication) == (
        article.title,
        article.authors,
        article.source.publication,
    )
    assert load_edition([path]).title == article.title
