"""Timpora: the shared workspace of a Tim Pengawasan Orang Asing."""

__version__ = "0.1.0"
