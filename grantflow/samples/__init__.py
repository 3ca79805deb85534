"""Sample data made from ``samples/*.yaml``: outline, proposal and final-report form values.

``outlines`` fills the outline form for the curated samples of
``samples/outlines/`` (valid ones, and broken ones with the issue codes the
validator must report); ``final_reports`` fills the final-report form for
those of ``samples/final_reports/``; ``proposals`` completes the outlines into
the Stage 2 proposals of ``samples/proposals/``; ``generator`` makes many more outlines
for benchmarks. The content is data, loaded and checked by
``grantflow.validation.sample_outlines_file`` and
``grantflow.validation.sample_reports_file``; ``grantflow.adapters.sample_files``
writes the workbooks. Only the ``grantflow samples`` commands, the demo and
the tests use this package: the engine never does (an import contract says so).
"""
