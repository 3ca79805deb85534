"""A new document kind is its module, its templates and its catalog entries: nothing else.

The kind here is what ``docs/architecture.md`` ("Adding a document kind") walks through, step
by step: a one-page certificate of participation (Polish "Zaświadczenie o
udziale w programie", Norwegian "Deltakerbevis") for each city whose
partnership agreement is signed, in Polish and Norwegian, docx and PDF. Its
module is the block below (``CERTIFICATE``), its registry the shipped one
plus it, its templates and catalog entries are written to ``tmp_path`` next
to copies of the shipped ones. It then goes the way every shipped kind goes:
``programme_requests`` asks its planner, the renderer fills its templates,
the store records its files. The shipped registry does not know it, and says
so instead of making some other document.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pikepdf
import pytest
from typer.testing import CliRunner

from grantflow import resources
from grantflow.adapters import i18n
from grantflow.adapters.clock import FixedClock
from grantflow.adapters.documents.renderer import TemplateRenderer
from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
from grantflow.cli import app
from grantflow.cli.documents import command_name
from grantflow.domain.names import slug
from grantflow.services.documents.generation import Selection, programme_requests, render_batch
from grantflow.services.documents.kind import DocumentKind, Planned
from grantflow.services.documents.recording import StoreDocumentLog, record_documents
from grantflow.services.documents.registry import (
    DOCUMENT_KINDS,
    DocumentKinds,
    UnknownDocumentKind,
)
from grantflow.services.documents.rendering import GeneratedDocument, RenderRequest
from grantflow.services.documents.sources import Sources, day_of, stem
from grantflow.services.ports.partners import PartnershipStatus
from tests.integration import clients
from tests.unit.factories import STAGE2
from tests.unit.fakes.unit_of_work import FakeUnitOfWork
from tests.unit.test_document_requests import FORM, ISSUED, story
from tests.unit.test_lifecycle_services import AT, PROGRAMME

# --- step 1: the kind's module (grantflow/services/documents/kinds/certificate.py) ---


@dataclass(frozen=True)
class Certificate:
    """What a certificate of participation states."""

    city: str
    donor: str
    signed_on: date
    programme_name: Mapping[str, str]  # lang -> name


def certificate_context(certificate: Certificate, lang: str) -> dict[str, Any]:
    """What the templates get; no sentence here: the templates and catalogs word it."""
    return {
        "document": {
            "title": f"{certificate.city} – {certificate.donor}",
            "issued_on": certificate.signed_on,
            "lang": lang,
        },
        "programme": {"name": certificate.programme_name[lang]},
        "certificate": {
            "city": certificate.city,
            "donor": certificate.donor,
            "signed_on": certificate.signed_on,
        },
    }


def plan_certificates(sources: Sources) -> list[Planned[Certificate]]:
    """One certificate per signed partnership, dated the day the agreement was signed."""
    uow = sources.uow
    planned = []
    for pair in uow.partnerships.list():
        if pair.status is not PartnershipStatus.SIGNED:
            continue
        application = uow.applications.get(pair.application_id)
        certificate = Certificate(
            city=application.city_name,
            donor=uow.donors.get(pair.donor_code).name,
            signed_on=sources.audit_days.last(application.id, ["transition:sign_agreement"]),
            programme_name=sources.programme.name,
        )
        planned.append(Planned(application.id, stem("certificate", application), certificate))
    return planned


CERTIFICATE: DocumentKind[Certificate] = DocumentKind(
    code="certificate",
    languages=("pl", "nb"),
    templates={"docx": "certificate/{lang}.docx", "pdf": "certificate/certificate.html.j2"},
    build_context=certificate_context,
    plan=plan_certificates,
)

# --- step 2: the registry (grantflow/services/documents/registry.py lists it) ---------

KINDS = DocumentKinds([*DOCUMENT_KINDS, CERTIFICATE])

# --- step 3: the catalog entries (grantflow/locale/{pl,nb,en}/LC_MESSAGES/grantflow.po) --

TITLE = "Certificate of participation"
STATEMENT = (
    "This certifies that %(city)s takes part in the programme %(programme)s in partnership "
    "with %(donor)s, under the agreement signed on %(date)s."
)
TRANSLATIONS = {
    "pl": {
        TITLE: "Zaświadczenie o udziale w programie",
        STATEMENT: "Zaświadcza się, że %(city)s uczestniczy w programie %(programme)s "
        "w partnerstwie z %(donor)s na podstawie umowy podpisanej %(date)s.",
    },
    "nb": {
        TITLE: "Deltakerbevis",
        STATEMENT: "Det bekreftes at %(city)s deltar i programmet %(programme)s i partnerskap "
        "med %(donor)s, etter avtalen signert %(date)s.",
    },
    "en": {TITLE: TITLE, STATEMENT: STATEMENT},
}


def add_catalog_entries(locale: Path) -> None:
    for lang, messages in TRANSLATIONS.items():
        catalog = locale / lang / "LC_MESSAGES" / "grantflow.po"
        entries = "".join(
            f'\n#: templates/certificate/certificate.html.j2\nmsgid "{msgid}"\nmsgstr "{text}"\n'
            for msgid, text in messages.items()
        )
        catalog.write_text(catalog.read_text(encoding="utf-8") + entries, encoding="utf-8")


# --- step 4: the templates (templates/certificate/) ------------------------------------

HTML = """{% extends "base.html.j2" %}
{% block content %}
<h1>{{ _("Certificate of participation") }}</h1>
<p>{{ _("This certifies that %(city)s takes part in the programme %(programme)s in \
partnership with %(donor)s, under the agreement signed on %(date)s.", city=certificate.city, \
programme=programme.name, donor=certificate.donor, date=certificate.signed_on|format_date) }}</p>
<p class="signature">{{ _("Programme Operator") }}</p>
{% endblock %}
"""
# The docx is worded from the catalog, as tools/build_docx_templates.py words the shipped ones.
DOCX_PLACEHOLDERS = {
    "city": "{{ certificate.city }}",
    "programme": "{{ programme.name }}",
    "donor": "{{ certificate.donor }}",
    "date": "{{ certificate.signed_on|format_date }}",
}


def write_templates(root: Path, locale: Path) -> None:
    folder = root / "certificate"
    folder.mkdir()
    (folder / "certificate.html.j2").write_text(HTML, encoding="utf-8")
    for lang in CERTIFICATE.languages:
        _ = i18n.translations(lang, locale).gettext
        document = docx.Document()
        document.add_heading(_(TITLE), level=1)
        document.add_paragraph(_(STATEMENT) % DOCX_PLACEHOLDERS)
        document.add_paragraph(_("Programme Operator"))
        document.save(str(folder / f"{lang}.docx"))


# --- the certificate through the path of every kind -----------------------------------


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The shipped templates and catalogs, copied, with the certificate's added."""
    base = tmp_path_factory.mktemp("new-kind")
    root, locale = base / "templates", base / "locale"
    shutil.copytree(resources.templates(), root)
    shutil.copytree(resources.locale(), locale)
    add_catalog_entries(locale)
    write_templates(root, locale)
    return root, locale


def certificate_requests(
    uow: FakeUnitOfWork, folder: Path, kinds: DocumentKinds = KINDS
) -> list[RenderRequest]:
    return programme_requests(
        uow,
        programme=PROGRAMME,
        form=FORM,
        folder=folder,
        selection=Selection(("certificate",)),
        issued=ISSUED,
        kinds=kinds,
    )


@dataclass(frozen=True)
class Rendered:
    uow: FakeUnitOfWork
    city: str
    documents: list[GeneratedDocument]
    log: StoreDocumentLog


@pytest.fixture(scope="module")
def rendered(folders: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root, locale = folders
    home = tmp_path_factory.mktemp("home")
    s = story(reported=False)
    requests = certificate_requests(s.uow, home / "documents")
    done, failed = render_batch(requests, TemplateRenderer(root, locale))
    assert failed == []
    log = StoreDocumentLog(s.uow, home, clock=FixedClock(AT), kinds=KINDS)
    log.record(done)
    return Rendered(s.uow, s.uow.committed.applications[s.partnered].city_name, done, log)


def _text(document: GeneratedDocument) -> str:
    if document.fmt == "pdf":
        text = clients.pdftotext(document.path)
    else:
        text = "\n".join(p.text for p in docx.Document(str(document.path)).paragraphs)
    return " ".join(text.split())


class TestANewKindGoesTheWayOfEveryKind:
    def test_its_planner_finds_each_signed_partnership_in_each_language_and_format(
        self, rendered: Rendered
    ) -> None:
        folder = rendered.documents[0].path.parents[2]
        assert sorted(d.path.relative_to(folder).as_posix() for d in rendered.documents) == [
            f"certificate/{STAGE2}/{slug(rendered.city)}-{lang}.{fmt}"
            for lang in ("nb", "pl")
            for fmt in ("docx", "pdf")
        ]
        assert {d.kind for d in rendered.documents} == {"certificate"}

    @pytest.mark.parametrize(
        ("lang", "expected"),
        [
            (
                "pl",
                "Zaświadcza się, że {city} uczestniczy w programie Rozwój lokalny w partnerstwie "
                "z Kristiansand kommune na podstawie umowy podpisanej {day}",
            ),
            (
                "nb",
                "Det bekreftes at {city} deltar i programmet Lokal utvikling i partnerskap med "
                "Kristiansand kommune, etter avtalen signert {day}",
            ),
        ],
    )
    def test_its_templates_word_it_from_the_catalogs_in_both_formats(
        self, rendered: Rendered, lang: str, expected: str
    ) -> None:
        day = i18n.format_date(day_of(AT), lang)
        for document in (d for d in rendered.documents if d.lang == lang):
            text = _text(document)
            assert expected.format(city=rendered.city, day=day) in text, document.fmt
            assert TRANSLATIONS[lang][TITLE] in text

    def test_each_pdf_is_tagged_with_its_language_and_titled_with_the_parties(
        self, rendered: Rendered
    ) -> None:
        for document in (d for d in rendered.documents if d.fmt == "pdf"):
            with pikepdf.open(document.path) as pdf:
                assert str(pdf.Root.Lang) == document.lang
                assert str(pdf.docinfo.Title) == f"{rendered.city} – Kristiansand kommune"

    def test_the_store_records_its_files(self, rendered: Rendered) -> None:
        with rendered.uow:
            records = rendered.uow.documents.list()
        assert rendered.log.new == 4
        assert {(r.kind, r.lang, r.fmt) for r in records} == {
            ("certificate", lang, fmt) for lang in ("pl", "nb") for fmt in ("docx", "pdf")
        }

    def test_the_sql_store_keeps_its_records_too(
        self, rendered: Rendered, uow: SqlUnitOfWork, tmp_path: Path
    ) -> None:
        documents = rendered.documents
        home = documents[0].path.parents[3]  # <home>/documents/certificate/<call>/<city>.pdf
        with uow:  # the story's applications, in the order the fake store numbered them
            for _, a in sorted(rendered.uow.committed.applications.items()):
                uow.applications.add(
                    call_code=a.call_code,
                    stage=a.stage,
                    teryt=a.teryt,
                    city_name=a.city_name,
                    created_at=a.created_at,
                )
            uow.commit()
        assert record_documents(uow, documents, home=home, at=AT, kinds=KINDS) == 4
        assert record_documents(uow, documents, home=home, at=AT, kinds=KINDS) == 0
        with uow:
            records = uow.documents.list()
        assert sorted((r.kind, r.lang, r.fmt, r.sha256) for r in records) == sorted(
            (d.kind, d.lang, d.fmt, d.sha256) for d in documents
        )


class TestARegistryWithoutIt:
    def test_asking_for_it_is_an_error_never_another_document(self, tmp_path: Path) -> None:
        with pytest.raises(UnknownDocumentKind, match="no document kind 'certificate'"):
            certificate_requests(story(reported=False).uow, tmp_path, kinds=DOCUMENT_KINDS)

    def test_the_store_refuses_to_record_it(self, rendered: Rendered, tmp_path: Path) -> None:
        log = StoreDocumentLog(FakeUnitOfWork(), tmp_path, clock=FixedClock(AT))
        with pytest.raises(UnknownDocumentKind, match="certificate"):
            log.record(rendered.documents)

    def test_the_cli_offers_a_generate_command_for_every_kind_it_lists(self) -> None:
        result = CliRunner().invoke(app, ["generate", "--help"])
        assert result.exit_code == 0, result.output
        for code in DOCUMENT_KINDS.codes:
            assert command_name(code) in result.output
        assert "certificate" not in result.output
