"""Declarative form definitions shared by the GUI, the Excel template and its import."""
