"""grantflow: a grant programme from the city's spreadsheet to signed, bilingual documents."""

__version__ = "0.1.0"
