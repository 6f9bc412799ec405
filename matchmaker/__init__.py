"""matchmaker — a resource-matching marketplace between communities and their partners."""

__version__ = "0.1.0"
