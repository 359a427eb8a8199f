"""What-If Explorer: branching counterfactual history, worked out by a rules engine."""
__version__ = "0.1.0"
