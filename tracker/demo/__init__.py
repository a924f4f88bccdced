"""Demo data that looks like the real thing, and the ``vidnova demo`` / ``vidnova import katottg`` commands.
"""
