"""SQLAlchemy tables, one module per aggregate, on one declarative ``Base``."""
