"""The proposal form's values of the sample Stage 2 proposals (``samples/proposals/``).

``completed`` turns the outline form's values of a town (pre-filled from its
stored outline, or written from its sample outline) and its ``ProposalPlan``
into the values of the proposal form: the budget changes applied, the totals
recomputed from the lines at the Stage 2 call's EUR/PLN rate (the city keeps
its co-financing; the grant takes the difference), the partnership's
priorities and lump-sum line, each indicator's objective, the development
plan, and one action a budget line paid in full by it. ``reference_proposals``
gives every sample proposal for a programme's Stage 2 call.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from grantflow.domain.money import to_eur
from grantflow.domain.names import slug
from grantflow.domain.outline import LUMP_SUM_CATEGORY
from grantflow.domain.programme import Programme
from grantflow.samples.outlines import Sample, outline_values
from grantflow.validation.sample_proposals_file import ProposalPlan, load_sample_proposals


def completed(values: Mapping[str, Any], plan: ProposalPlan, rate: Decimal) -> dict[str, Any]:
    """The proposal form's values: the outline form's ``values`` completed by ``plan``,
    totals at ``rate`` (PLN per EUR of the Stage 2 call)."""
    result: dict[str, Any] = copy.deepcopy(dict(values))
    budget = result["Budget"]
    for line in budget:
        line["amount"] = plan.budget_changes.get(line["line_no"], Decimal(line["amount"]))
    eur = {
        line["line_no"]: to_eur(Decimal(line["amount"]), line["currency"], rate) for line in budget
    }
    project = result["Project"]
    total = sum(eur.values(), Decimal(0))
    project["total_budget_eur"] = total
    project["requested_grant_eur"] = total - Decimal(project["co_financing_eur"])
    partnership = result["Partnership"]
    partnership.update(priorities_pl=plan.priorities_pl, priorities_en=plan.priorities_en)
    lump_lines = [line["line_no"] for line in budget if line["category"] == LUMP_SUM_CATEGORY]
    if partnership.get("wants_partner") == "yes" and len(lump_lines) == 1:
        partnership["lump_sum_line"] = lump_lines[0]
    objective_of_indicator = {
        n: number for number, o in enumerate(plan.objectives, start=1) for n in o.indicators
    }
    for n, indicator in enumerate(result["Indicators"], start=1):
        indicator["objective_no"] = objective_of_indicator[n]
    result["DevelopmentPlan"] = [
        {
            "objective_no": number,
            "problem": o.problem,
            "objective": o.objective,
            "measures": o.measures,
        }
        for number, o in enumerate(plan.objectives, start=1)
    ]
    descriptions = {line["line_no"]: line["description"] for line in budget}
    result["ImplementationPlan"] = sorted(
        (
            {
                "action_no": n,
                "action": descriptions[n],
                "objective_no": number,
                "start_date": project["start_date"],
                "end_date": project["end_date"],
                "responsible_unit": plan.unit,
                "budget_line": n,
                "cost_eur": eur[n],
            }
            for number, o in enumerate(plan.objectives, start=1)
            for n in o.lines
        ),
        key=lambda action: action["action_no"],
    )
    return result


def reference_proposals(programme: Programme, proposal_call: str) -> tuple[Sample, ...]:
    """Every sample proposal for ``programme``'s Stage 2 call ``proposal_call``: the town's
    outline as the Stage 1 call took it, completed by its plan."""
    outline_rate = programme.rate_for(programme.outline_call_for(proposal_call).rate_month)
    rate = programme.rate_for(programme.call(proposal_call).rate_month)
    return tuple(
        Sample(
            slug(plan.outline.town.name),
            completed(outline_values(plan.outline, outline_rate), plan, rate),
            (),
        )
        for plan in load_sample_proposals()
    )
