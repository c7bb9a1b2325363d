"""Goalpost comparison of specs between git versions, and reading git."""
