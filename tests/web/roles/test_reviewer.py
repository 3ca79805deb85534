"""The reviewer's pages over HTTP: declaration first, scores within their maxima, then locked."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from grantflow.domain.audit import AuditEntry
from grantflow.web.app import create_app
from tests.web.portal_data import sign_in, wiring_at
from tests.web.roles.roles_data import ANNA, BJORN, EWA, OPERATOR, REVIEW_DAY

POINTS = {
    "relevance": "26",
    "plan_quality": "21,5",
    "feasibility": "17",
    "partnership": "12",
    "budget": "8",
}


def audit(home: Path) -> list[AuditEntry]:
    with wiring_at(home, REVIEW_DAY) as wiring, wiring.unit_of_work() as uow:
        return uow.audit.all()


# Anna's comment on each criterion she scored below its maximum; one holds markup a page
# must show as text.
COMMENTS = {
    "relevance": "Diagnoza potrzeb Krasnegostawu bez danych o seniorach.",
    "plan_quality": "Brak wskaźników rezultatu <script>alert('x')</script>",
    "feasibility": "Zespół projektu liczy dwie osoby.",
    "partnership": "Rola partnera z Bodø opisana ogólnie.",
    "budget": "Koszty promocji zawyżone o ok. 12 000 zł.",
}


def scores_form(
    token: str, action: str, points: dict[str, str], comments: dict[str, str] | None = None
) -> dict[str, str]:
    return {
        "csrf": token,
        "action": action,
        **{f"points-{k}": v for k, v in points.items()},
        **{f"comment-{k}": v for k, v in (comments or {}).items()},
    }


def test_a_reviewer_sees_only_its_assignments_by_title(
    client: TestClient, applications: dict[str, int]
) -> None:
    sign_in(client, EWA[2])
    page = client.get("/reviewer").text
    assert "Wałbrzych" in page and "Krasnystaw" not in page
    assert f"/reviewer/applications/{applications['Wałbrzych']}" in page
    assert "jeszcze nie zadeklarowano" in page


def test_before_declaring_a_reviewer_sees_the_title_but_not_the_outline(
    client: TestClient, applications: dict[str, int]
) -> None:
    sign_in(client, EWA[2])
    page = client.get(f"/reviewer/applications/{applications['Wałbrzych']}").text
    assert "Deklaracja konfliktu interesów" in page
    assert "Podsumowanie" not in page and "Wnioskowana dotacja" not in page
    assert 'name="points-relevance"' not in page


def test_scores_before_the_declaration_are_refused(
    client: TestClient, applications: dict[str, int]
) -> None:
    token = sign_in(client, EWA[2])
    answer = client.post(
        f"/reviewer/applications/{applications['Wałbrzych']}/scores",
        data=scores_form(token, "draft", POINTS),
    )
    assert answer.status_code == 409
    assert "Najpierw zadeklaruj" in answer.text


def test_a_declared_conflict_hands_the_application_to_another_expert(
    home: Path, client: TestClient, applications: dict[str, int]
) -> None:
    token = sign_in(client, BJORN[2])
    krasnystaw = applications["Krasnystaw"]
    answer = client.post(
        f"/reviewer/applications/{krasnystaw}/declaration",
        data={"csrf": token, "conflict": "yes", "reason": "Mój szwagier pracuje w urzędzie"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = client.get(f"/reviewer/applications/{krasnystaw}").text
    assert "przekazano innemu ekspertowi" in page and "Podsumowanie" not in page
    declared, replaced = audit(home)[-2:]
    assert (declared.actor, declared.action) == (f"portal:{BJORN[2]}", "assessment:declare")
    assert (replaced.action, replaced.payload["reviewer"]) == ("assessment:replace", EWA[0])


def test_a_reviewer_scores_saves_a_draft_submits_and_can_no_longer_change(
    home: Path, client: TestClient, applications: dict[str, int]
) -> None:
    token = sign_in(client, ANNA[2])
    krasnystaw = f"/reviewer/applications/{applications['Krasnystaw']}"
    client.post(f"{krasnystaw}/declaration", data={"csrf": token, "conflict": "no"})
    page = client.get(krasnystaw).text
    assert "Podsumowanie" in page and 'name="points-relevance"' in page

    draft = client.post(
        f"{krasnystaw}/scores",
        data=scores_form(token, "draft", {"relevance": "26"}, {"relevance": "Do uzupełnienia"}),
    )
    assert "Szkic zapisany. Suma do tej pory: 26" in draft.text
    assert "Do uzupełnienia</textarea>" in draft.text

    unexplained = {k: v for k, v in COMMENTS.items() if k != "budget"}
    refused = client.post(
        f"{krasnystaw}/scores", data=scores_form(token, "submit", POINTS, unexplained)
    )
    assert refused.status_code == 400
    assert "uzasadnij w komentarzu, dlaczego przyznajesz mniej niż 10 pkt" in refused.text
    assert "Diagnoza potrzeb Krasnegostawu bez danych o seniorach.</textarea>" in refused.text

    sent = client.post(f"{krasnystaw}/scores", data=scores_form(token, "submit", POINTS, COMMENTS))
    assert sent.status_code == 200
    assert "nie mogą już zostać zmienione" in sent.text and "84,5" in sent.text
    assert 'name="points-relevance"' not in sent.text
    assert "Koszty promocji zawyżone o ok. 12 000 zł." in sent.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in sent.text
    assert "<script>alert" not in sent.text
    submitted = [e for e in audit(home) if e.action == "assessment:submit"][-1]
    assert submitted.actor == f"portal:{ANNA[2]}"
    assert submitted.payload["comments"] == COMMENTS

    changed = {**COMMENTS, "budget": "Jednak w porządku."}
    again = client.post(f"{krasnystaw}/scores", data=scores_form(token, "submit", POINTS, changed))
    assert again.status_code == 409
    listing = client.get("/reviewer").text
    assert "84,5" in listing and "wysłane (zablokowane)" in listing


def test_points_above_a_criterions_maximum_are_refused_and_the_typed_values_kept(
    client: TestClient, applications: dict[str, int]
) -> None:
    token = sign_in(client, EWA[2])
    walbrzych = f"/reviewer/applications/{applications['Wałbrzych']}"
    client.post(f"{walbrzych}/declaration", data={"csrf": token, "conflict": "no"})
    answer = client.post(
        f"{walbrzych}/scores",
        data=scores_form(token, "submit", {"relevance": "31", "plan_quality": "dużo"}),
    )
    assert answer.status_code == 400
    assert "Nic nie zapisano" in answer.text
    assert "podaj liczbę od 0 do 30" in answer.text
    assert "podaj liczbę od 0 do 25" in answer.text
    assert "Podaj punkty za: Wykonalność i zdolność instytucjonalna" in answer.text
    assert 'value="dużo"' in answer.text and 'value="31"' in answer.text


def test_a_reviewer_reads_its_pages_in_norwegian(
    client: TestClient, applications: dict[str, int]
) -> None:
    token = sign_in(client, EWA[2])
    client.post("/language", data={"csrf": token, "lang": "nb", "back": "/reviewer"})
    page = client.get("/reviewer").text
    assert '<html lang="nb">' in page and "Dine oppdrag" in page


def test_on_norwegian_pages_the_citys_polish_title_and_summary_are_marked_polish(
    client: TestClient, applications: dict[str, int]
) -> None:
    """A screen reader reading Ewa's pages in Norwegian switches to Polish for what the city
    wrote in Polish (and to English for its English title)."""
    token = sign_in(client, EWA[2])
    walbrzych = f"/reviewer/applications/{applications['Wałbrzych']}"
    # Declared already when the module runs in one process (then 409): either way, declared.
    client.post(f"{walbrzych}/declaration", data={"csrf": token, "conflict": "no"})
    client.post("/language", data={"csrf": token, "lang": "nb", "back": "/reviewer"})
    listing = client.get("/reviewer").text
    title = "Wałbrzych dla wszystkich: mieszkania społeczne i pomoc sąsiedzka"
    assert f'<a href="{walbrzych}" lang="pl">{title}</a>' in listing
    page = client.get(walbrzych).text
    assert '<html lang="nb">' in page
    assert (
        f'<h1><span lang="pl">{title}</span> '
        '<span class="sub" lang="en">Wałbrzych for everyone: social housing'
    ) in page
    assert '<dd lang="pl">Remont 80 mieszkań socjalnych w kamienicach Śródmieścia' in page
    client.post("/language", data={"csrf": token, "lang": "pl", "back": "/reviewer"})


def test_a_reviewer_cannot_open_another_reviewers_application(
    home: Path, client: TestClient, applications: dict[str, int]
) -> None:
    sign_in(client, BJORN[2])
    answer = client.get(f"/reviewer/applications/{applications['Wałbrzych']}")
    assert answer.status_code == 403
    last = audit(home)[-1]
    assert (last.actor, last.action, last.subject) == (
        f"portal:{BJORN[2]}",
        "access:refused",
        f"application:{applications['Wałbrzych']}",
    )


def test_an_operator_cannot_open_the_reviewer_pages(client: TestClient) -> None:
    sign_in(client, OPERATOR)
    assert client.get("/reviewer").status_code == 403


def test_a_reviewer_sees_its_review_deadline_and_the_days_left_in_its_language(
    client: TestClient, applications: dict[str, int]
) -> None:
    token = sign_in(client, EWA[2])
    client.post("/language", data={"csrf": token, "lang": "pl", "back": "/reviewer"})
    listing = client.get("/reviewer").text
    assert "Termin oceny" in listing
    assert '<time datetime="2019-11-29">29 listopada 2019</time> (pozostało dni: 39)' in listing
    client.post("/language", data={"csrf": token, "lang": "nb", "back": "/reviewer"})
    page = client.get(f"/reviewer/applications/{applications['Wałbrzych']}").text
    assert "Frist for vurdering" in page and "dager igjen: 39" in page
    client.post("/language", data={"csrf": token, "lang": "pl", "back": "/reviewer"})


def test_scores_submitted_after_the_deadline_are_taken_and_recorded_as_late(
    home: Path, applications: dict[str, int]
) -> None:
    late = datetime(2019, 12, 2, 9, 0, tzinfo=UTC)  # three days after 29 November
    walbrzych = f"/reviewer/applications/{applications['Wałbrzych']}"
    with TestClient(create_app(wiring_at(home, late))) as browser:
        token = sign_in(browser, EWA[2])
        browser.post("/language", data={"csrf": token, "lang": "pl", "back": walbrzych})
        # Declared already when the module runs in one process (then 409): either way, no tie.
        browser.post(f"{walbrzych}/declaration", data={"csrf": token, "conflict": "no"})
        page = browser.get(walbrzych).text
        assert "po terminie, dni: 3" in page and "Termin oceny minął" in page
        sent = browser.post(
            f"{walbrzych}/scores", data=scores_form(token, "submit", POINTS, COMMENTS)
        )
        assert sent.status_code == 200
        assert "wysłane po terminie" in sent.text
    submitted = [e for e in audit(home) if e.action == "assessment:submit"][-1]
    assert (submitted.actor, submitted.payload["overdue_days"]) == (f"portal:{EWA[2]}", 3)
