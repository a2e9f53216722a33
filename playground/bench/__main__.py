"""`python -m playground.bench`: see timing.py (and its --browser and --class)."""
from .timing import main

main()
