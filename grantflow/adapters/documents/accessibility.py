"""What WeasyPrint 70's tagged PDF lacks for PDF/UA, added to every PDF the renderer writes.

Two steps, both deterministic (the same PDF in gives the same bytes out):

- ``finish_tags``, WeasyPrint's ``finisher`` hook, runs after the structure
  tree is built and before the file is written, while each table cell's
  structure element is still tied to its HTML box (``box.mark``): a header
  cell gets the /Scope its ``scope`` attribute says (else Column in a header
  row group, Row elsewhere), and a cell whose language differs from the
  document's gets /Lang (the agreement's Norwegian column: WeasyPrint writes
  only the document's language).
- ``complete`` rewrites the written PDF with pikepdf. The running head and
  the page numbers (CSS margin boxes) are marked content whose structure
  elements WeasyPrint builds but leaves out of the tree. Content that nothing
  in the tree reaches is page furniture: it becomes /Artifact of type
  /Pagination and leaves the parent tree, as PDF/UA asks of running heads.
  Link annotations (an e-mail address) get the Print flag, so the printed
  page and the screen agree.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pikepdf
import pydyf
from weasyprint.formatting_structure import boxes

# HTML's scope attribute -> PDF's /Scope of a header cell.
_SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


def _cells(box: Any, in_header: bool = False) -> Iterator[tuple[Any, bool]]:
    """Every table cell box below ``box`` that has a structure element, and whether
    it lies in a header row group."""
    if isinstance(box, boxes.TableRowGroupBox):
        in_header = bool(box.is_header)
    if isinstance(box, boxes.TableCellBox) and getattr(box, "mark", None) is not None:
        yield box, in_header
    for child in getattr(box, "children", ()):
        yield from _cells(child, in_header)


def finish_tags(document: Any, pdf: Any) -> None:
    """WeasyPrint's finisher: /Scope on header cells, /Lang on cells in another language."""
    document_lang = str(pdf.catalog["Lang"].string) if "Lang" in pdf.catalog else ""
    for page in document.pages:
        for box, in_header in _cells(page._page_box):
            element = box.mark
            if element["S"] == "/TH":
                scope = box.element.get("scope", "col" if in_header else "row")
                element["A"]["Scope"] = _SCOPES.get(scope, "/Column" if in_header else "/Row")
            lang = box.style["lang"]
            if lang and lang != document_lang:
                element["Lang"] = pydyf.String(lang)


def _reachable(element: pikepdf.Object, found: set[tuple[int, int]]) -> None:
    """The structure elements below ``element`` (by object id), into ``found``."""
    kids = element.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.is_indirect and kid.objgen not in found:
            found.add(kid.objgen)
            _reachable(kid, found)


# An annotation's /F flag that prints it (PDF 32000-1, 12.5.3).
_PRINT = 4


def complete(data: bytes) -> bytes:
    """``data`` with its page furniture as artifacts and its annotations printable."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _mark_pagination(pdf)
        for page in pdf.pages:
            for annotation in page.obj.get("/Annots", []):
                annotation.F = int(annotation.get("/F", 0)) | _PRINT
        out = io.BytesIO()
        # The /ID follows the content, so the same input still gives the same bytes.
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _mark_pagination(pdf: pikepdf.Pdf) -> None:
    """The marked content outside the structure tree made pagination artifacts."""
    tree = pdf.Root.StructTreeRoot
    in_tree: set[tuple[int, int]] = set()
    _reachable(tree, in_tree)
    nums = tree.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for page in pdf.pages:
        mcids = parents.get(int(page.obj.get("/StructParents", -1)))
        if not isinstance(mcids, pikepdf.Array):
            continue
        furniture = set()
        for mcid, element in enumerate(mcids):
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in in_tree:
                furniture.add(mcid)
                mcids[mcid] = None
        if furniture:
            _artifacts(pdf, page, furniture)


def _artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: set[int]) -> None:
    """Turn the marked content ``mcids`` of ``page`` into pagination artifacts."""
    instructions = pikepdf.parse_content_stream(page)
    for number, instruction in enumerate(instructions):
        if str(instruction.operator) != "BDC":
            continue
        properties = instruction.operands[1]
        if isinstance(properties, pikepdf.Dictionary) and int(properties.get("/MCID", -1)) in mcids:
            artifact = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)
            instructions[number] = pikepdf.ContentStreamInstruction(
                [pikepdf.Name.Artifact, artifact], pikepdf.Operator("BDC")
            )
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
