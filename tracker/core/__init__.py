"""The shared foundation every feature builds on: settings, the database door, mail, errors, versioning,
languages and labels, the authority hierarchy (the one scope predicate and its SQL twin), vocabularies.

``core`` imports no feature package; features import it.
"""
