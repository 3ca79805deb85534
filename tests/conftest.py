"""Fixtures shared across the test tiers.

The store fixtures (SQLite and PostgreSQL databases) live in
``tests/integration/store_fixtures.py``; registering them here makes them
available to integration and end-to-end tests alike.
"""

pytest_plugins = ["tests.integration.store_fixtures"]
