"""The documents flow under Prefect's test server: a batch over the process pool.

One failure is kept apart; every other document and the manifest survive it.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from grantflow.adapters.documents.manifest import MANIFEST
from grantflow.services.documents.kinds.agreement import AGREEMENT, AgreementDocument
from grantflow.services.documents.kinds.publication import PUBLICATION, PublicationDocument
from grantflow.services.documents.registry import UnknownDocumentKind
from grantflow.services.documents.rendering import RenderRequest
from grantflow.validation import form as forms
from tests.unit.programme_document_factories import (
    PROGRAMME_NAMES,
    chelm_agreement,
    programme_publication,
)
from workflows.documents import generate_documents, render_documents

FLOW_RUN_PARAMETERS_LIMIT = 524_288  # bytes, as Prefect's server counts them

FORM = forms.load("outline")


def _batch(folder: Path) -> list[RenderRequest]:
    agreements = [
        AGREEMENT.request(
            AgreementDocument(
                chelm_agreement(number=f"LD/PART/2021/{n:03}"), FORM, PROGRAMME_NAMES
            ),
            lang="pl",
            fmt=fmt,
            target=folder / f"umowa-{n}.{fmt}",
        )
        for n in (1, 2)
        for fmt in ("docx", "pdf")
    ]
    publication = PublicationDocument(programme_publication(), FORM)
    publications = [
        PUBLICATION.request(
            publication, lang=lang, fmt="pdf", target=folder / f"publication-{lang}.pdf"
        )
        for lang in ("pl", "nb")
    ]
    # A template variable missing from the context: this one document cannot be made.
    broken = dataclasses.replace(agreements[0], context={}, target=folder / "broken.docx")
    return [*agreements, broken, *publications]


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
class TestDocumentsFlow:
    def test_a_batch_is_rendered_in_chunks_and_a_failure_loses_no_other_document(
        self, tmp_path: Path
    ) -> None:
        result = generate_documents(_batch(tmp_path), str(tmp_path), chunk_size=2)
        assert [f.target for f in result.failures] == [str(tmp_path / "broken.docx")]
        assert "'agreement' is undefined" in result.failures[0].reason
        names = [d.path.name for d in result.documents]
        assert names == [
            "umowa-1.docx",
            "umowa-1.pdf",
            "umowa-2.docx",
            "umowa-2.pdf",
            "publication-pl.pdf",
            "publication-nb.pdf",
        ]
        manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
        assert {e["file"]: e["sha256"] for e in manifest["files"]} == {
            d.path.name: d.sha256 for d in result.documents
        }
        assert not (tmp_path / "broken.docx").exists()

    def test_one_kind_only_and_the_same_hashes_on_a_second_run(self, tmp_path: Path) -> None:
        first = generate_documents(_batch(tmp_path), str(tmp_path), kinds=["publication"])
        second = generate_documents(_batch(tmp_path), str(tmp_path), kinds=["publication"])
        assert [d.kind for d in first.documents] == ["publication", "publication"]
        assert first.failures == []
        assert [d.sha256 for d in first.documents] == [d.sha256 for d in second.documents]

    def test_a_kind_the_registry_lacks_fails_the_run_and_writes_nothing(
        self, tmp_path: Path
    ) -> None:
        with pytest.raises(UnknownDocumentKind, match="no document kind 'certificate'"):
            generate_documents(_batch(tmp_path), str(tmp_path), kinds=["certificate"])
        assert not any(tmp_path.iterdir())

    def test_a_call_s_worth_of_requests_goes_as_a_batch_file_and_gives_the_same_documents(
        self, tmp_path: Path, grantflow_home: Path
    ) -> None:
        # 400 agreements: their contexts are more than a flow run's parameters may hold.
        # Only the publications are rendered, to keep the test short.
        big = [
            dataclasses.replace(request, target=tmp_path / "big" / f"umowa-{n}.{request.fmt}")
            for n in range(100)
            for request in _batch(tmp_path / "big")[:4]
        ] + _batch(tmp_path / "big")[-2:]
        parameters = render_documents.serialize_parameters({"requests": big})
        assert len(json.dumps(parameters)) > FLOW_RUN_PARAMETERS_LIMIT
        by_file = generate_documents(big, str(tmp_path / "big"), kinds=["publication"])
        inline = generate_documents(
            _batch(tmp_path / "small"), str(tmp_path / "small"), kinds=["publication"]
        )
        assert by_file.failures == []
        assert [(d.path.name, d.sha256) for d in by_file.documents] == [
            (d.path.name, d.sha256) for d in inline.documents
        ]
        (batch_file,) = (grantflow_home / "batches").iterdir()
        assert batch_file.name.startswith("documents-")
