"""The demo's portal accounts: one person of each role, ready to sign in.

Made only on the demo's own home (``workflows.demo.home.claim`` decides
which folder that is), never on a real programme's; running the demo
again keeps the accounts it made before.
"""

from __future__ import annotations

from dataclasses import dataclass

from grantflow import bootstrap
from grantflow.config import Settings
from grantflow.domain.accounts import Binding
from grantflow.services.accounts import add_user, find_user
from grantflow.validation.demo_file import DemoCast

# Written in the summary: the demo is for trying the portal out, not for keeping secrets.
PASSWORD = "grantflow-demo"  # noqa: S105
DOMAIN = "demo.grantflow.example"
DEMO_CITY = ("0662011", "chelm")  # Chełm, whose outline the demo corrects
DEMO_DONOR = "NO-4204"  # Kristiansand kommune, in samples/donors.yaml


@dataclass(frozen=True)
class PortalDemoResult:
    home: str
    accounts: list[tuple[str, str]]  # (role, e-mail)

    def summary_lines(self) -> list[str]:
        signed = ", ".join(f"{role} {email}" for role, email in self.accounts)
        return [
            "",
            f"Portal: GRANTFLOW_HOME={self.home} grantflow serve, then open http://127.0.0.1:8000",
            f"  sign in with password {PASSWORD} as {signed}",
        ]


def open_portal(settings: Settings, cast: DemoCast) -> PortalDemoResult:
    """An account for the demo city, its first expert, the operator and a donor."""
    reviewer = cast.experts[0].reviewer.code
    wanted = [
        ("city", f"{DEMO_CITY[1]}@{DOMAIN}", Binding("city", teryt=DEMO_CITY[0]), "pl"),
        ("reviewer", f"{reviewer.lower()}@{DOMAIN}", Binding("reviewer", reviewer=reviewer), "pl"),
        ("operator", f"operator@{DOMAIN}", Binding("operator"), "pl"),
        ("donor", f"{DEMO_DONOR.lower()}@{DOMAIN}", Binding("donor", donor=DEMO_DONOR), "nb"),
    ]
    opened = cast.calendar.at(cast.calendar.outlines_submitted)
    with bootstrap.build(settings=settings, as_of=opened) as wired:
        wired.migrate()
        for _, email, binding, lang in wanted:
            if find_user(wired.unit_of_work(), email) is None:
                add_user(
                    wired.unit_of_work(),
                    wired.passwords,
                    email=email,
                    binding=binding,
                    password=PASSWORD,
                    language=lang,
                    at=wired.clock.now(),
                    actor=cast.operator,
                )
    return PortalDemoResult(str(settings.home), [(role, email) for role, email, _, _ in wanted])
