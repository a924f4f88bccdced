"""The governance rules wired to the data: rule context, facts, stored evaluations, re-evaluation, stage
gates, compliance read models and authority rule settings.
"""
