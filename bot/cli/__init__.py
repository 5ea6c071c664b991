"""The terminal front end: `coach` commands, input reading and terminal rendering."""

from bot.cli.app import main

__all__ = ["main"]
