"""Rapor: yearly public-service evaluation results as a static website."""

__version__ = "0.1.0"
