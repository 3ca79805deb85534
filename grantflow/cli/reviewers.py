"""Experts: the operator registers them; each declares conflicts of interest and scores."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from grantflow.cli.common import (
    AsOfOption,
    ByOption,
    Lang,
    ProgrammeOption,
    ReasonOption,
    codes,
    next_flow,
    next_step,
    store,
    usage,
)

review_app = typer.Typer(
    help="Reviewer steps: declare conflicts of interest, score.", no_args_is_help=True
)


reviewers_app = typer.Typer(help="The expert pool.", no_args_is_help=True)


@reviewers_app.command("register")
def reviewers_register(
    code: Annotated[str, typer.Argument(help="Reviewer code, e.g. R07.")],
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    languages: Annotated[str, typer.Option("--languages", help="e.g. pl,en")] = "pl",
    conflicts: Annotated[
        str, typer.Option("--conflicts", help="TERYT codes of cities the expert has ties with.")
    ] = "",
    email: Annotated[
        str, typer.Option("--email", help="Where assignments and reminders are sent.")
    ] = "",
    mail_lang: Annotated[
        Lang | None,
        typer.Option("--mail-lang", help="Language of their mail (default: the first they read)."),
    ] = None,
    by: ByOption = "operator",
    as_of: AsOfOption = None,
) -> None:
    """Register an expert with the languages they read, their declared ties and their e-mail."""
    from grantflow.domain.assessment import Reviewer
    from grantflow.services import review

    reviewer = Reviewer(
        code,
        name,
        codes(languages),
        codes(conflicts),
        email=email.strip(),
        language=mail_lang.value if mail_lang else "",
    )
    with store(as_of=as_of) as built:
        uow = built.unit_of_work()
        review.register_reviewer(uow, reviewer, at=built.clock.now(), actor=f"operator:{by}")
    typer.echo(f"reviewer {code} registered ({', '.join(sorted(reviewer.languages))})")
    next_step("grantflow run review --call CALL  (assigns experts where some are missing)")


@review_app.command("declare")
def review_declare(
    application_id: Annotated[int, typer.Argument(help="Application id.")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="Your reviewer code.")],
    conflict: Annotated[
        bool | None,
        typer.Option("--conflict/--no-conflict", help="Declare a conflict of interest, or none."),
    ] = None,
    reason: ReasonOption = "",
    as_of: AsOfOption = None,
) -> None:
    """Declare a conflict of interest (you are replaced) or its absence (you may score)."""
    from grantflow.services import review

    if conflict is None:
        raise usage("give --conflict or --no-conflict")
    with store(as_of=as_of) as built:
        uow = built.unit_of_work()
        declared = review.declare(
            uow, application_id, reviewer, conflict=conflict, at=built.clock.now(), reason=reason
        )
        with uow:
            call_code = uow.applications.get(application_id).call_code
    typer.echo(f"reviewer {reviewer} on application {application_id}: {declared.declaration}")
    if conflict:
        next_flow("review", call_code, "if no replacement was free", as_of)
    else:
        next_step(f"grantflow review score {application_id} --reviewer {reviewer} --points ...")


def _points(text: str) -> dict[str, Decimal]:
    points: dict[str, Decimal] = {}
    for part in (p.strip() for p in text.split(",")):
        code, sep, value = part.partition("=")
        try:
            if not sep or not code.strip():
                raise InvalidOperation
            points[code.strip()] = Decimal(value.strip())
        except InvalidOperation as exc:
            raise usage(f"--points: '{part}' is not criterion=points") from exc
    return points


def _comments(items: list[str]) -> dict[str, str]:
    comments: dict[str, str] = {}
    for item in items:
        code, sep, text = item.partition("=")
        if not sep or not code.strip():
            raise usage(f"--comment: '{item}' is not criterion=comment")
        comments[code.strip()] = text.strip()
    return comments


@review_app.command("score")
def review_score(
    application_id: Annotated[int, typer.Argument(help="Application id.")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="Your reviewer code.")],
    points: Annotated[
        str, typer.Option("--points", help="criterion=points,... e.g. relevance=25,quality=20")
    ],
    comment: Annotated[
        list[str] | None,
        typer.Option(
            "--comment",
            help="criterion=why (repeatable); needed on submit for each criterion below "
            "its maximum.",
        ),
    ] = None,
    submit: Annotated[bool, typer.Option("--submit", help="Lock the scores (final).")] = False,
    programme: ProgrammeOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Record points and comments per criterion (a draft), or with --submit lock them."""
    from grantflow.services import review

    parsed = _points(points)
    comments = _comments(comment or [])
    with store(programme, as_of) as built:
        uow, loaded = built.unit_of_work(), built.programme
        card = review.score(
            uow,
            application_id,
            reviewer,
            parsed,
            loaded,
            submit=submit,
            at=built.clock.now(),
            comments=comments,
        )
        with uow:
            call_code = uow.applications.get(application_id).call_code
    state = "submitted (locked)" if card.submitted else "draft"
    typer.echo(f"application {application_id}, reviewer {reviewer}: total {card.total}, {state}")
    if card.submitted:
        next_flow("review", call_code, "completes or arbitrates", as_of)


def register(app: typer.Typer) -> None:
    app.add_typer(reviewers_app, name="reviewers")
    app.add_typer(review_app, name="review")
