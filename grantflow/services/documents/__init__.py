"""The programme's documents: which kinds exist, what each says, how they are made and recorded.

- ``rendering``: a request to render (template, context, metadata), the file
  it gives, and the ports that render and record them;
- ``kind``: what a document kind declares (``DocumentKind``);
- ``kinds/``: one module per kind (application, decision, agreement,
  final_report, publication): its context builder, its planner, its templates;
- ``registry``: the kinds the programme ships (``DOCUMENT_KINDS``), which the
  CLI, the flows and the store read;
- ``sources``: what the planners read from the store; ``labels``: the form's
  vocabularies as documents show them;
- ``generation``: the requests of a selection of kinds, rendering them;
- ``recording``: each file in the store with its SHA-256.

How to add a kind: ``docs/architecture.md``, "Adding a document kind".
"""
