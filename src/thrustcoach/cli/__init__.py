"""Thin typer commands over the public API. Nothing outside ``cli`` imports this package."""
