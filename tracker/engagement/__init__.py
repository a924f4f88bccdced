"""The engagement mechanism for EU partners and citizens: needs, partners, offers, partnerships, matching,
follows and notifications.
"""
