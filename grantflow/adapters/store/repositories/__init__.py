"""Repositories over one SQLAlchemy session, one module per aggregate."""
