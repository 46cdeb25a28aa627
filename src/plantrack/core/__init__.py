"""Pure-Python methods of PlanTrack: formulas, progress, scoring, parsing.

Nothing in this package imports Django; it is usable on its own from a notebook.
"""
