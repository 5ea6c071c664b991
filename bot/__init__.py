"""The social-media coach: knowledge, trap detection and answers for Slack and Teams."""

__version__ = "0.1.0"
