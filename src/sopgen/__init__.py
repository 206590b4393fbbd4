"""sopgen: draft, check and gap-analyse Standard Operating Procedures, offline first."""

__version__ = "0.1.0"
