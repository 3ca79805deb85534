"""What the use cases need from the outside world, as Protocols, one module per aggregate.

Services program against these; ``grantflow.adapters`` implements them for
real, ``tests/unit/fakes`` in memory. Repositories hand out frozen domain
values, never live ORM rows, so a service cannot change the database behind
the unit of work's back. A write that loses a race on a unique key raises
``grantflow.domain.errors.Conflict`` (the caller re-reads in a fresh unit of
work), and ``*_for_update`` reads lock what they return until the unit of
work ends (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite serialises writers
with ``BEGIN IMMEDIATE``), so two concurrent operations never act on the same
stale state.
"""
