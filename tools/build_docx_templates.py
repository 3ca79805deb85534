"""Build the docx templates of templates/<kind>/<lang>.docx with python-docx.

The generated files are committed: operators edit them in Word or
LibreOffice from then on, and this script documents how they were made
(and rebuilds them if the wording is changed here instead). Run from the
repository root:

    python tools/build_docx_templates.py

Tags are docxtpl's Jinja: ``{{ var }}`` in text, ``{%tr for … %}`` on a
table row of its own to repeat a row, ``{%p if … %}`` on a paragraph of its
own to keep or drop paragraphs. The variables are those of
templates/variables.yaml; the filters are format_money, format_number,
format_date and amount_in_words.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from grantflow.adapters import i18n
from grantflow.adapters.reproducible import stable_zip

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FONT = "DejaVu Sans"  # the font of the PDFs; LibreOffice and Word substitute if missing
# A letter's addressee's block and signature sit in the right half of the page.
RIGHT_HALF = Mm(90)
BUILT = datetime(2024, 1, 1)  # fixed, so rebuilding an unchanged template changes no byte


def new_document(lang_tag: str) -> DocumentObject:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    # Proofing language of the text (screen readers and spelling use it).
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), lang_tag)
    normal.element.get_or_add_rPr().append(language)
    properties = document.core_properties
    properties.author = "grantflow"
    properties.last_modified_by = "grantflow"
    properties.comments = "Template of grantflow: variables in templates/variables.yaml"
    properties.created = properties.modified = properties.last_printed = BUILT
    properties.revision = 1
    return document


def header(document: DocumentObject, text: str) -> None:
    document.sections[0].header.paragraphs[0].text = text


def key_value_table(document: DocumentObject, rows: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[0].paragraphs[0].runs[0].bold = True
        cells[1].text = value


def loop_table(
    document: DocumentObject,
    headings: list[str],
    loop: str,
    cells: list[str],
    footer: list[str] | None = None,
) -> None:
    """A table whose middle row repeats for each item of ``loop`` ("line in budget.lines")."""
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
    table.add_row().cells[0].text = f"{{%tr for {loop} %}}"
    for cell, text in zip(table.add_row().cells, cells, strict=True):
        cell.text = text
    table.add_row().cells[0].text = "{%tr endfor %}"
    if footer:
        for cell, text in zip(table.add_row().cells, footer, strict=True):
            cell.text = text


def save(document: DocumentObject, path: Path) -> None:
    buffer = io.BytesIO()
    document.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(stable_zip(buffer.getvalue()))
    print(path.relative_to(TEMPLATES.parent))


def application_pl() -> DocumentObject:
    d = new_document("pl-PL")
    header(d, "{{ programme.name }}")
    d.add_heading("Wniosek: {{ project.title_pl }}", level=1)
    d.add_paragraph("{{ applicant.city_name }} · {{ document.issued_on|format_date }}")

    d.add_heading("Wnioskodawca", level=2)
    key_value_table(d, [
        ("Miasto", "{{ applicant.city_name }}"),
        ("Kod TERYT", "{{ applicant.teryt }}"),
        ("Województwo", "{{ applicant.voivodeship }}"),
        ("Liczba mieszkańców", "{{ applicant.population|format_number }}"),
        ("NIP", "{{ applicant.nip }}"),
        ("Osoba do kontaktu", "{{ applicant.contact_name }}"),
        ("E-mail", "{{ applicant.contact_email }}"),
        ("Telefon", "{{ applicant.contact_phone }}"),
    ])

    d.add_heading("Projekt", level=2)
    key_value_table(d, [
        ("Tytuł", "{{ project.title_pl }}"),
        ("Główny obszar tematyczny", "{{ project.primary_theme }}"),
        ("Dodatkowe obszary tematyczne", '{{ project.secondary_themes|join(", ") or "—" }}'),
        ("Okres realizacji",
         "{{ project.start_date|format_date }} – {{ project.end_date|format_date }}"),
        ("Całkowity budżet", "{{ project.total_budget_eur|format_money }}"),
        ("Wnioskowana dotacja", "{{ project.requested_grant_eur|format_money }}"),
        ("Wkład własny", "{{ project.co_financing_eur|format_money }}"),
    ])
    d.add_heading("Streszczenie", level=3)
    d.add_paragraph("{{ project.summary_pl }}")

    d.add_heading("Budżet", level=2)
    loop_table(
        d,
        ["Nr", "Kategoria", "Opis", "Rok", "Kwota", "Kwota w EUR"],
        "line in budget.lines",
        ["{{ line.line_no }}", "{{ line.category }}", "{{ line.description }}",
         "{{ line.year }}", "{{ line.amount|format_money(line.currency) }}",
         "{{ line.amount_eur|format_money }}"],
        footer=["Razem", "", "", "", "", "{{ budget.total_eur|format_money }}"],
    )
    d.add_paragraph("{%p for rate in budget.rates %}")
    d.add_paragraph("Kwoty w PLN przeliczono po kursie {{ rate|format_number }} PLN za 1 EUR.")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p if budget.lump_sum_eur is not none %}")
    d.add_paragraph("Ryczałt na partnerstwo: {{ budget.lump_sum_eur|format_money }}")
    d.add_paragraph("{%p endif %}")

    d.add_heading("Partnerstwo", level=2)
    d.add_paragraph("{%p if partnership.wants_partner %}")
    key_value_table(d, [
        ("Preferowany kraj", '{{ partnership.preferred_country or "—" }}'),
        ("Preferowany partner", '{{ partnership.preferred_partner or "—" }}'),
        ("Tematy współpracy", '{{ partnership.themes|join(", ") or "—" }}'),
        ("Formy zaangażowania", '{{ partnership.involvement_forms|join(", ") or "—" }}'),
    ])
    d.add_heading("Oczekiwania wobec partnera", level=3)
    d.add_paragraph("{{ partnership.expectations_pl }}")
    d.add_paragraph("{%p else %}")
    d.add_paragraph("Miasto nie szuka partnera.")
    d.add_paragraph("{%p endif %}")

    d.add_heading("Wskaźniki", level=2)
    loop_table(
        d,
        ["Wskaźnik", "Jednostka", "Wartość bazowa", "Wartość docelowa", "Rok"],
        "item in indicators",
        ["{{ item.indicator }}", "{{ item.unit }}", "{{ item.baseline|format_number }}",
         "{{ item.target|format_number }}", "{{ item.year }}"],
    )

    d.add_heading("Summary in English", level=2)
    d.add_paragraph("Title: {{ project.title_en }}")
    d.add_paragraph("{{ project.summary_en }}")
    d.add_paragraph("{%p if partnership.wants_partner and partnership.expectations_en %}")
    d.add_heading("Expectations of the partner", level=3)
    d.add_paragraph("{{ partnership.expectations_en }}")
    d.add_paragraph("{%p endif %}")
    return d


# The decision letter's sentences: the msgids of templates/decision/decision.html.j2,
# so the docx says what the PDF says. Placeholders become the template's variables.
DECISION_PLACEHOLDERS = {
    "date": "{{ decision.decided_on|format_date }}",
    "rank": "{{ decision.rank }}",
    "score": "{{ decision.score|format_number }}",
    "pass_mark": "{{ decision.pass_mark|format_number }}",
}
ANNOUNCEMENTS = [
    ('decision.code == "selected"',
     "We inform you that, by the decision of the selection committee of %(date)s, "
     "the application has been selected for funding."),
    ('decision.code == "shortlisted"',
     "We inform you that, by the decision of the selection committee of %(date)s, "
     "the project outline has been shortlisted for the second stage."),
    ('decision.code == "reserve"',
     "We inform you that, by the decision of the selection committee of %(date)s, "
     "the application has been placed on the reserve list."),
    ('decision.code == "rejected"',
     "We inform you that, by the decision of the selection committee of %(date)s, "
     "the application has been rejected."),
]
REASONS = [
    ('decision.reason == "within_selected_count" and decision.stage == 1',
     "The project outline is number %(rank)s on the ranking list with a final score of "
     "%(score)s points and falls within the number of outlines shortlisted for the "
     "second stage."),
    ('decision.reason == "within_selected_count"',
     "The application is number %(rank)s on the ranking list with a final score of "
     "%(score)s points and falls within the number of applications and the allocation "
     "of the programme."),
    ('decision.reason == "moved_up"',
     "The application is number %(rank)s on the ranking list and moved up from the "
     "reserve list to funding after another applicant withdrew."),
    ('decision.reason == "reserve_list"',
     "The application is number %(rank)s on the ranking list; it will be funded if "
     "programme funds become available."),
    ('decision.reason == "outside_allocation"',
     "The application is number %(rank)s on the ranking list, but the requested grant "
     "does not fit the allocation of the programme still available; it will be funded "
     "if programme funds become available."),
    ('decision.reason == "below_pass_mark"',
     "The final score (%(score)s points) is below the pass mark of %(pass_mark)s points "
     "the programme requires."),
    ('decision.reason == "below_reserve_list" and decision.stage == 1',
     "The project outline is number %(rank)s on the ranking list, outside the places "
     "shortlisted for the second stage."),
    ('decision.reason == "below_reserve_list"',
     "The application is number %(rank)s on the ranking list, outside the places for "
     "funding and on the reserve list."),
]


def one_of(document: DocumentObject, branches: list[tuple[str, str]]) -> None:
    """Paragraphs kept by condition: ``{%p if c1 %}``, its text, ``{%p elif c2 %}``, its
    text, …, ``{%p endif %}``."""
    for number, (condition, text) in enumerate(branches):
        document.add_paragraph(f"{{%p {'if' if number == 0 else 'elif'} {condition} %}}")
        document.add_paragraph(text)
    document.add_paragraph("{%p endif %}")


def decision_pl() -> DocumentObject:
    """The decision letter, worded from the Polish catalog: the decision and the
    ranking's reason come as codes, each code keeps its own paragraph."""
    _ = i18n.translations("pl").gettext

    def worded(branches: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(condition, _(msgid) % DECISION_PLACEHOLDERS) for condition, msgid in branches]

    d = new_document("pl-PL")
    header(d, "{{ programme.name }}")
    d.add_paragraph("{{ letter.operator }}")
    dateline = d.add_paragraph("{{ letter.place }}, {{ decision.decided_on|format_date }}")
    dateline.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    d.add_paragraph(_("Case reference") + ": {{ letter.case_reference }}")
    for line in (
        "{{ addressee.city }}",
        "{%p if addressee.contact_name %}",
        _("For the attention of") + ": {{ addressee.contact_name }}",
        "{%p endif %}",
        "{{ addressee.contact_email }}",
    ):
        d.add_paragraph(line).paragraph_format.left_indent = RIGHT_HALF
    d.add_heading(_("Decision on the application"), level=1)
    d.add_paragraph(_("Legal basis") + ": {{ letter.legal_basis }}")
    d.add_paragraph(_("Project") + ": {{ decision.title }}")
    one_of(d, worded(ANNOUNCEMENTS))
    key_value_table(d, [
        (_("Score"), "{{ decision.score|format_number }} / {{ decision.max_score|format_number }}"),
        (_("Rank"), '{{ decision.rank if decision.rank is not none else "—" }}'),
    ])
    d.add_heading(_("Justification"), level=2)
    committee = ('decision.reason == "committee_change"', "{{ decision.justification }}")
    one_of(d, [committee, *worded(REASONS)])
    d.add_heading(_("Right to a review"), level=2)
    review = _(
        "The applicant may ask for this decision to be reviewed within %(days)s days of "
        "its delivery. The request is decided by: %(body)s. It is filed %(how)s."
    )
    d.add_paragraph(review % {
        "days": "{{ letter.review_days }}",
        "body": "{{ letter.review_body }}",
        "how": "{{ letter.review_how }}",
    })
    d.add_paragraph("")
    for line in ("{{ letter.signatory_name }}", "{{ letter.signatory_position }}"):
        signature = d.add_paragraph(line)
        signature.paragraph_format.left_indent = RIGHT_HALF
        signature.paragraph_format.keep_with_next = True
    return d


def _lang_tag(paragraph: Paragraph, tag: str) -> None:
    """Mark a paragraph's runs as written in ``tag`` (the Norwegian column of the agreement)."""
    for run in paragraph.runs:
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), tag)
        run._r.get_or_add_rPr().append(language)


def bilingual_table(
    document: DocumentObject, clauses: list[tuple[str, str]], *, keep_last: int = 1
) -> None:
    """One row per clause: Polish left, Norwegian right (tagged nb-NO). No row splits
    across pages, and the last ``keep_last`` rows stay on one page (the final clause
    with the signatures)."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for polish, norwegian in clauses:
        cells = table.add_row().cells
        for cell, text in ((cells[0], polish), (cells[1], norwegian)):
            heading, *paragraphs = text.split("\n")
            cell.text = heading
            cell.paragraphs[0].runs[0].bold = True
            for paragraph in paragraphs:
                cell.add_paragraph(paragraph)
        for paragraph in cells[1].paragraphs:
            _lang_tag(paragraph, "nb-NO")
    for number, row in enumerate(table.rows):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        # Word keeps a row with the next one when its paragraphs keep with the next.
        if len(table.rows) - keep_last <= number < len(table.rows) - 1:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def agreement_pl() -> DocumentObject:
    """The partnership agreement: one bilingual document, Polish and Norwegian side by side.

    Named pl.docx after its leading language (the renderer's <kind>/<lang>.docx);
    the Norwegian column is part of the same file, so both versions always match.
    """
    d = new_document("pl-PL")
    header(d, "{{ programme.name }} / {{ programme.name_nb }}")
    d.add_heading("Umowa partnerska / Partnerskapsavtale", level=1)
    d.add_paragraph("{{ agreement.number }} · {{ city.name }} – {{ donor.name }}")
    bilingual_table(d, [
        ("§ 1. Strony\n"
         "Niniejsza umowa zostaje zawarta w ramach programu „{{ programme.name }}” pomiędzy:\n"
         "{{ city.name }}, kod TERYT {{ city.teryt }}, NIP {{ city.nip }}, "
         "województwo {{ city.voivodeship_pl }},\n"
         "a {{ donor.name }} ({{ donor.country_pl }}, region {{ donor.region }}).",
         "§ 1. Parter\n"
         "Denne avtalen inngås innenfor programmet «{{ programme.name_nb }}» mellom:\n"
         "{{ city.name }}, TERYT-kode {{ city.teryt }}, NIP {{ city.nip }}, "
         "voivodskap {{ city.voivodeship_nb }},\n"
         "og {{ donor.name }} ({{ donor.country_nb }}, region {{ donor.region }})."),
        ("§ 2. Przedmiot współpracy\n"
         "Strony współpracują w obszarach: "
         "{% for theme in themes %}{{ theme.pl }}{% if not loop.last %}; {% endif %}{% endfor %}.\n"
         "Partner uczestniczy w formach: "
         "{% for item in involvement_forms %}{{ item.pl }}{% if not loop.last %}; {% endif %}"
         "{% endfor %}.",
         "§ 2. Samarbeidets formål\n"
         "Partene samarbeider innenfor temaene: "
         "{% for theme in themes %}{{ theme.nb }}{% if not loop.last %}; {% endif %}{% endfor %}.\n"
         "Partneren deltar i form av: "
         "{% for item in involvement_forms %}{{ item.nb }}{% if not loop.last %}; {% endif %}"
         "{% endfor %}."),
        ("§ 3. Ryczałt na partnerstwo\n"
         "Na współpracę przeznacza się ryczałt w wysokości "
         "{{ agreement.lump_sum_eur|format_money }} "
         "(słownie: {{ agreement.lump_sum_eur|amount_in_words }}).",
         "§ 3. Rammebeløp for partnerskapet\n"
         "Til samarbeidet avsettes et rammebeløp på "
         '{{ agreement.lump_sum_eur|format_money(lang="nb") }} '
         '(med bokstaver: {{ agreement.lump_sum_eur|amount_in_words(lang="nb") }}).'),
        ("§ 4. Okres obowiązywania\n"
         "Umowa obowiązuje od {{ agreement.starts_on|format_date }} do "
         "{{ agreement.ends_on|format_date }} (końcowa data kwalifikowalności programu).",
         "§ 4. Varighet\n"
         'Avtalen gjelder fra {{ agreement.starts_on|format_date(lang="nb") }} til '
         '{{ agreement.ends_on|format_date(lang="nb") }} '
         "(programmets siste dato for støtteberettigede kostnader)."),
        ("§ 5. Postanowienia końcowe\n"
         "Umowę sporządzono w wersji polskiej i norweskiej; obie wersje są jednakowo wiążące.\n"
         "{{ agreement.place }}, {{ agreement.signed_on|format_date }}",
         "§ 5. Sluttbestemmelser\n"
         "Avtalen er utferdiget på polsk og norsk; begge versjoner er like gyldige.\n"
         '{{ agreement.place }}, {{ agreement.signed_on|format_date(lang="nb") }}'),
        # Without a name: a line to sign on and the position that usually signs.
        ("Za miasto\n\n"
         '{{ signatories.city_name or "……………………………………" }}\n'
         '{{ signatories.city_position or "osoba upoważniona do reprezentowania miasta" }}',
         "For kommunen\n\n"
         '{{ signatories.donor_name or "……………………………………" }}\n'
         '{{ signatories.donor_position or "ordfører eller den ordføreren gir fullmakt" }}'),
    ], keep_last=2)
    return d


def final_report_pl() -> DocumentObject:
    d = new_document("pl-PL")
    header(d, "{{ programme.name }}")
    d.add_heading("Raport końcowy: {{ report.title }}", level=1)
    d.add_paragraph("{{ report.city_name }} · {{ document.issued_on|format_date }}")
    key_value_table(d, [
        ("Miasto", "{{ report.city_name }}"),
        ("Kod TERYT", "{{ report.teryt }}"),
        ("Okres realizacji",
         "{{ report.start_date|format_date }} – {{ report.end_date|format_date }}"),
        ("Partner", '{{ report.partner or "—" }}'),
    ])
    d.add_heading("Streszczenie projektu", level=2)
    d.add_paragraph("{{ report.summary_pl }}")

    d.add_heading("Wskaźniki", level=2)
    loop_table(
        d,
        ["Wskaźnik", "Jednostka", "Wartość bazowa", "Wartość docelowa", "Osiągnięto", "%", "Rok"],
        "item in indicators",
        ["{{ item.indicator }}", "{{ item.unit }}", "{{ item.baseline|format_number }}",
         "{{ item.target|format_number }}", "{{ item.achieved|format_number }}",
         '{{ item.attainment|format_number if item.attainment is not none else "—" }}',
         "{{ item.year }}"],
    )
    d.add_paragraph(
        "Osiągnięte wartości docelowe: {{ report.indicators_reached }} z {{ indicators|length }}."
    )

    d.add_heading("Wydatki", level=2)
    loop_table(
        d,
        ["Nr", "Kategoria", "Opis", "Kwota"],
        "line in expenditure.lines",
        ["{{ line.line_no }}", "{{ line.category }}", "{{ line.description }}",
         "{{ line.amount|format_money(line.currency) }}"],
    )
    d.add_paragraph("{%p for total in expenditure.totals %}")
    d.add_paragraph("Razem: {{ total.amount|format_money(total.currency) }}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("Razem w EUR: {{ expenditure.total_eur|format_money }}")
    d.add_paragraph("{%p if expenditure.rate is not none %}")
    d.add_paragraph(
        "Kwoty w PLN przeliczono po kursie {{ expenditure.rate|format_number }} PLN za 1 EUR."
    )
    d.add_paragraph("{%p endif %}")

    d.add_heading("Działania partnerskie", level=2)
    loop_table(
        d,
        ["Data", "Działanie", "Forma", "Miejsce", "Uczestnicy"],
        "item in activities",
        ["{{ item.day|format_date }}", "{{ item.activity }}", "{{ item.form }}",
         "{{ item.place }}", "{{ item.participants|format_number }}"],
    )

    d.add_heading("Ryczałt na partnerstwo", level=2)
    key_value_table(d, [
        ("Zaangażowano", "{{ lump_sum.committed_eur|format_money }}"),
        ("Wydano", "{{ lump_sum.spent_eur|format_money }}"),
        ("Zwrócono", "{{ lump_sum.returned_eur|format_money }}"),
    ])
    d.add_paragraph("{%p if lump_sum.notes %}")
    d.add_paragraph("{{ lump_sum.notes }}")
    d.add_paragraph("{%p endif %}")

    d.add_heading("Sammendrag på norsk", level=2)
    summary = d.add_paragraph("{{ report.summary_nb }}")
    spent = d.add_paragraph(
        'Rammebeløp brukt: {{ lump_sum.spent_eur|format_money(lang="nb") }} av '
        '{{ lump_sum.committed_eur|format_money(lang="nb") }}.'
    )
    _lang_tag(summary, "nb-NO")
    _lang_tag(spent, "nb-NO")
    return d


def labels(_: Callable[[str], str], names: dict[str, str]) -> str:
    """The codes with their translated labels, for a ``{%p set %}``: ``dict(code="label")``
    (docxtpl's ``{%p`` tag may not contain a brace, so no ``{…}`` literal)."""
    return "dict(" + ", ".join(f'{code}="{_(msgid)}"' for code, msgid in names.items()) + ")"


# The codes the publication's tables name, with the msgids the HTML template
# translates them by (templates/publication/publication.html.j2).
STATE_MSGIDS = {
    "submitted": "submitted",
    "returned_for_correction": "returned for correction",
    "formally_correct": "formally correct",
    "formally_rejected": "formally rejected",
    "under_assessment": "under assessment",
    "assessed": "assessed",
    "shortlisted": "shortlisted",
    "selected": "selected",
    "reserve": "reserve",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
    "partner_search": "partner search",
    "partnership_confirmed": "partnership confirmed",
    "agreement_signed": "agreement signed",
    "no_partner": "no partner",
    "implementation": "implementation",
    "final_report_submitted": "final report submitted",
    "closed": "closed",
}
LUMP_SUM_MSGIDS = {
    "committed": "committed",
    "spent": "spent",
    "returned": "returned",
    "released": "released",
    "open": "still open",
}


def publication(lang: str) -> DocumentObject:
    """One edition of the publication (pl or nb), worded from the gettext catalog of its
    language, so the docx says what the PDF says. The PDF's charts are tables here: the
    same figures as the charts' own text alternative."""
    _ = i18n.translations(lang).gettext
    d = new_document({"pl": "pl-PL", "nb": "nb-NO"}[lang])
    header(d, "{{ programme.name }}")
    d.add_heading("{{ document.title }}", level=1)
    d.add_paragraph("{{ document.issued_on|format_date }}")
    d.add_paragraph("{%p set state_names = " + labels(_, STATE_MSGIDS) + " %}")
    d.add_paragraph("{%p set lump_sum_names = " + labels(_, LUMP_SUM_MSGIDS) + " %}")

    d.add_heading(_("Applications"), level=2)
    d.add_paragraph(
        _("Outlines received: %(outlines)s. Complete proposals: %(proposals)s. "
          "Funded projects: %(funded)s.")
        % {
            "outlines": "{{ submitted.outlines|format_number }}",
            "proposals": "{{ submitted.proposals|format_number }}",
            "funded": "{{ submitted.funded|format_number }}",
        }
    )
    d.add_paragraph(_("Applications per stage and state"), style="Caption")
    loop_table(
        d,
        [_("Stage"), _("State"), _("Applications")],
        "row in stages",
        ["{{ row.stage }}", "{{ state_names[row.state] }}", "{{ row.count|format_number }}"],
    )

    d.add_heading(_("Themes of the funded projects"), level=2)
    d.add_paragraph(_("Funded projects by primary theme"), style="Caption")
    loop_table(
        d,
        [_("Theme"), _("Projects")],
        "row in themes",
        ["{{ row.label }}", "{{ row.count|format_number }}"],
    )

    d.add_heading(_("Partnerships"), level=2)
    d.add_paragraph("{%p if partnerships %}")
    loop_table(
        d,
        [_("City"), _("Partner municipality"), _("Country"), _("Agreement signed")],
        "row in partnerships",
        ["{{ row.city_name }}", "{{ row.donor_name }}", "{{ row.donor_country }}",
         f'{{{{ "{_("yes")}" if row.signed else "{_("no")}" }}}}'],
    )
    d.add_paragraph("{%p else %}")
    d.add_paragraph(_("No partnership has been confirmed yet."))
    d.add_paragraph("{%p endif %}")

    d.add_heading(_("Partnership lump sums"), level=2)
    d.add_paragraph(
        _("Reserved in total: %(amount)s.") % {"amount": "{{ lump_sums.reserved|format_money }}"}
    )
    d.add_paragraph(_("Partnership lump sums in EUR"), style="Caption")
    loop_table(
        d,
        [_("Partnership lump sums"), _("Amount in EUR")],
        "row in lump_sums.rows",
        ["{{ lump_sum_names[row.code] }}", "{{ row.amount|format_money }}"],
    )

    # A page per funded project, from its final report once it is in.
    d.add_paragraph("{%p for project in projects %}")
    title = d.add_heading("{{ project.city_name }}: {{ project.title }}", level=2)
    title.paragraph_format.page_break_before = True
    key_value_table(d, [
        (_("Theme"), "{{ project.theme }}"),
        (_("Partner municipality"), '{{ project.partner or "—" }}'),
    ])
    d.add_paragraph("{%p if project.reported %}")
    key_value_table(d, [
        (_("Period"),
         "{{ project.start_date|format_date }} – {{ project.end_date|format_date }}"),
        (_("Committed"), "{{ project.lump_sum.agreed|format_money }}"),
        (_("Spent"), "{{ project.lump_sum.spent|format_money }}"),
        (_("Returned"), "{{ project.lump_sum.returned|format_money }}"),
    ])
    d.add_paragraph("{{ project.summary }}")
    loop_table(
        d,
        [_("Indicator"), _("Unit"), _("Target"), _("Achieved"), "%"],
        "item in project.indicators",
        ["{{ item.indicator }}", "{{ item.unit }}", "{{ item.target|format_number }}",
         "{{ item.achieved|format_number }}",
         '{{ item.attainment|format_number if item.attainment is not none else "—" }}'],
    )
    d.add_paragraph(_("Partnership activities"), style="Caption")
    loop_table(
        d,
        [_("Date"), _("Activity"), _("Form"), _("Place"), _("Participants")],
        "item in project.activities",
        ["{{ item.day|format_date }}", "{{ item.activity }}", "{{ item.form }}",
         "{{ item.place }}", "{{ item.participants|format_number }}"],
    )
    d.add_paragraph("{%p else %}")
    d.add_paragraph(_("The final report has not been submitted yet."))
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p endfor %}")
    return d


def main() -> None:
    save(application_pl(), TEMPLATES / "application" / "pl.docx")
    save(decision_pl(), TEMPLATES / "decision" / "pl.docx")
    save(agreement_pl(), TEMPLATES / "agreement" / "pl.docx")
    save(final_report_pl(), TEMPLATES / "final_report" / "pl.docx")
    for lang in ("pl", "nb"):
        save(publication(lang), TEMPLATES / "publication" / f"{lang}.docx")


if __name__ == "__main__":
    main()
