"""The demo: the reference programme's story on a fresh home, through the real flows.

``home`` claims the demo's folder (before Prefect is imported, so a refusal
is instant), ``flow`` runs the steps in order, ``programme`` takes the
sample outlines through both stages, the ledger and the partner search,
``closing`` takes in the final reports and generates every document, and
``cast`` holds the simulated people: the experts, the committee and the
operator, as ``samples/demo.yaml`` describes them.

This package imports nothing: the CLI imports ``home`` before it configures
Prefect, and only then the flow.
"""
