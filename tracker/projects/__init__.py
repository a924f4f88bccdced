"""Projects and their general data: models, the project policy, operations, list queries, the planner's
registration and edit pages.
"""
