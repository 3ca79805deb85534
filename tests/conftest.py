"""Fixtures shared across the test tiers.

The store fixtures (SQLite and PostgreSQL databases) live in
``tests/integration/store_fixtures.py``; registering them here makes them
available to integration and end-to-end tests alike.
"""

from hypothesis import settings

pytest_plugins = ["tests.integration.store_fixtures"]

# No per-example deadline: a test's time is a benchmark's business, and on a
# busy two-core machine Hypothesis's default 200 ms failed correct code. The
# reader's fuzz test keeps its own bound (a hang is a bug there).
settings.register_profile("grantflow", deadline=None)
settings.load_profile("grantflow")
