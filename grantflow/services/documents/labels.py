"""Labels of the form's vocabularies as documents show them: codes never reach a reader."""

from __future__ import annotations

from collections.abc import Iterable

from grantflow.validation.form import FormDefinition


def labels(form: FormDefinition, vocabulary: str, lang: str) -> dict[str, str]:
    """Code -> label in ``lang``."""
    return {term.code: term.label[lang] for term in form.vocabularies[vocabulary]}


def bilingual(form: FormDefinition, vocabulary: str, codes: Iterable[str]) -> list[dict[str, str]]:
    """Labels of ``codes`` in Polish and Norwegian, for documents showing both."""
    terms = {term.code: term.label for term in form.vocabularies[vocabulary]}
    return [
        {"pl": terms[code]["pl"], "nb": terms[code]["nb"]}
        if code in terms
        else {"pl": code, "nb": code}
        for code in codes
    ]
