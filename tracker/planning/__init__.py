"""The planner workflow: stage records and their lists, evidence documents, change history, CSV, roll-up.
"""
