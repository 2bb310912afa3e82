"""Readers that turn input files into text to check."""

from .text import InputError, decode, read_text

__all__ = ["InputError", "decode", "read_text"]
