"""People who sign in: users, roles, scopes, signing in and out, and the current user of a request.
"""
