"""The page: everything that imports streamlit lives in this package."""
from .page import main

__all__ = ["main"]
