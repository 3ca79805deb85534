"""Documents adapter: templates rendered to docx and PDF, and the manifest of what was written.

``renderer.TemplateRenderer`` (the ``DocumentRenderer`` port), ``fetcher.TemplateFetcher``
(WeasyPrint's only way to files), ``manifest.JsonManifest`` (the ``DocumentLog`` port),
``formatting`` (the Jinja filters). Import the module you need: the renderer loads
WeasyPrint, which takes a second, and the filters alone must not.
"""
