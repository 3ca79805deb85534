"""The role portal: server-rendered pages over the same use cases as the command line.

An entrypoint like ``grantflow.cli``: ``app.create_app`` builds the FastAPI
application on one ``grantflow.bootstrap.Wiring``; each role is one router
module in ``routes/`` with its templates in ``templates/<role>/``
(docs/architecture.md, "Adding a portal page").
"""
