"""Document generation performance, measured side by side in one run on the same data.

    python benchmarks/bench_documents.py [--repeat 20] [--workers 2] [--only docx|pdf]

1. docx: grantflow's renderer (docxtpl with autoescape, then the stable zip
   rewrite and the fixed metadata, written to disk) against a bare docxtpl
   render of the same template and context into memory, the two taking turns.
   Target: at most 1.2x.
2. PDF for a demo-sized batch (12 applications, 6 agreements, the
   publication in pl and nb): grantflow's renderer on a process pool of
   ``--workers`` against LibreOffice headless converting the equivalent docx
   files (the same 12 applications, 6 agreements and 2 publication editions)
   in one ``soffice --convert-to pdf`` call with a private, warmed-up profile.
   Both may use every core. Target: ours at most 1.0x LibreOffice's time.

Times are medians (docx) or best of three (batches), wall clock; the machine
should be otherwise idle. Results are printed and written to
benchmarks/out/documents.json.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the test factories build the benchmark's data

from docxtpl import DocxTemplate  # noqa: E402

from grantflow.adapters.documents.renderer import TemplateRenderer, _docx_environment  # noqa: E402
from grantflow.services.documents.generation import render_batch  # noqa: E402
from grantflow.services.documents.kinds.agreement import AGREEMENT, AgreementDocument  # noqa: E402
from grantflow.services.documents.kinds.application import application_request  # noqa: E402
from grantflow.services.documents.kinds.publication import (  # noqa: E402
    PUBLICATION,
    PublicationDocument,
)
from grantflow.services.documents.rendering import Format, RenderRequest  # noqa: E402
from grantflow.validation import form as forms  # noqa: E402
from tests.unit.document_factories import ISSUED, PROGRAMME_NAME, chelm_outline  # noqa: E402
from tests.unit.programme_document_factories import (  # noqa: E402
    PROGRAMME_NAMES,
    chelm_agreement,
    programme_publication,
)

OUT = Path(__file__).resolve().parent / "out"
CITIES = (
    "Chełm",
    "Hrubieszów",
    "Zamość",
    "Biała Podlaska",
    "Krasnystaw",
    "Kraśnik",
    "Puławy",
    "Konin",
    "Łuków",
    "Świdnik",
    "Włodawa",
    "Tomaszów Lubelski",
)


def application_requests(folder: Path, fmt: Format) -> list[RenderRequest]:
    form = forms.load("outline")
    return [
        application_request(
            chelm_outline(city_name=city),
            form=form,
            programme_name=PROGRAMME_NAME,
            lang="pl",
            fmt=fmt,
            target=folder / f"application-{n:02}.{fmt}",
            issued=ISSUED,
        )
        for n, city in enumerate(CITIES)
    ]


def agreement_requests(folder: Path, fmt: Format) -> list[RenderRequest]:
    form = forms.load("outline")
    return [
        AGREEMENT.request(
            AgreementDocument(
                chelm_agreement(city_name=city, number=f"LD/PART/2021/{n:03}"),
                form,
                PROGRAMME_NAMES,
            ),
            lang="pl",
            fmt=fmt,
            target=folder / f"agreement-{n:02}.{fmt}",
        )
        for n, city in enumerate(CITIES[:6])
    ]


def publication_requests(folder: Path, fmt: Format) -> list[RenderRequest]:
    form = forms.load("outline")
    return [
        PUBLICATION.request(
            PublicationDocument(programme_publication(), form),
            lang=lang,
            fmt=fmt,
            target=folder / f"publication-{lang}.{fmt}",
        )
        for lang in ("pl", "nb")
    ]


def alternating_medians(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Each function's median over ``repeat`` rounds, taking turns within each round, so
    that load from other work on a shared machine falls on both sides alike."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(samples) for name, samples in times.items()}


def best_of(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def bench_docx(folder: Path, repeat: int) -> dict[str, float]:
    request = application_requests(folder, "docx")[0]
    renderer = TemplateRenderer()
    template_path = renderer.docx_template(request)
    environment = _docx_environment("pl")

    def bare() -> bytes:
        template = DocxTemplate(template_path)
        template.render(dict(request.context), environment, autoescape=True)
        buffer = io.BytesIO()
        template.save(buffer)
        return buffer.getvalue()

    bare()
    renderer.render(request)  # warm both: templates parsed, caches filled
    medians = alternating_medians({"ours": lambda: renderer.render(request), "bare": bare}, repeat)
    ours, floor = medians["ours"], medians["bare"]
    return {"ours_s": ours, "bare_docxtpl_s": floor, "ratio": ours / floor}


def _render_chunk(requests: list[RenderRequest]) -> int:
    done, failed = render_batch(requests, TemplateRenderer())
    assert not failed, failed
    return len(done)


def ours_pdf_batch(folder: Path, workers: int) -> int:
    requests = [
        *application_requests(folder, "pdf"),
        *agreement_requests(folder, "pdf"),
        *publication_requests(folder, "pdf"),
    ]
    # Interleaved chunks: each worker gets a share of every kind.
    chunks = [requests[i :: workers * 2] for i in range(workers * 2)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(_render_chunk, chunks))


def libreoffice_batch(docx_folder: Path, out: Path, profile: Path) -> int:
    soffice = shutil.which("soffice")
    assert soffice is not None, "LibreOffice (soffice) is not installed"
    files = sorted(docx_folder.glob("*.docx"))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return len(list(out.glob("*.pdf")))


def bench_pdf(folder: Path, workers: int) -> dict[str, float]:
    docx_folder = folder / "docx"
    renderer = TemplateRenderer()
    for request in [
        *application_requests(docx_folder, "docx"),
        *agreement_requests(docx_folder, "docx"),
        *publication_requests(docx_folder, "docx"),
    ]:
        renderer.render(request)
    profile = folder / "lo-profile"
    libreoffice_batch(docx_folder, folder / "lo-warmup", profile)  # creates the profile
    count = ours_pdf_batch(folder / "ours-warmup", workers)
    ours = best_of(lambda: ours_pdf_batch(folder / "ours", workers))
    lo = best_of(lambda: libreoffice_batch(docx_folder, folder / "lo", profile))
    return {
        "documents_ours": count,
        "documents_libreoffice": len(list(docx_folder.glob("*.docx"))),
        "ours_s": ours,
        "libreoffice_s": lo,
        "ratio": ours / lo,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=("docx", "pdf"), help="measure one of the two")
    args = parser.parse_args()
    results: dict[str, object] = {"workers": args.workers}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.only in (None, "docx"):
            docx = results["docx"] = bench_docx(folder, args.repeat)
            print(
                f"docx: ours {docx['ours_s'] * 1000:.1f} ms, bare docxtpl "
                f"{docx['bare_docxtpl_s'] * 1000:.1f} ms, ratio {docx['ratio']:.2f} "
                "(target <= 1.2)"
            )
        if args.only in (None, "pdf"):
            pdf = results["pdf"] = bench_pdf(folder, args.workers)
            print(
                f"pdf batch: ours {pdf['ours_s']:.2f} s for {pdf['documents_ours']:.0f} PDFs "
                f"({args.workers} processes), LibreOffice {pdf['libreoffice_s']:.2f} s for "
                f"{pdf['documents_libreoffice']:.0f} docx, ratio {pdf['ratio']:.2f} "
                "(target <= 1.0)"
            )
    OUT.mkdir(exist_ok=True)
    (OUT / "documents.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
