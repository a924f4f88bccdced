"""What the public sees: public variants, portal pages, reports (HTML and PDF), the JSON API and open data.
"""
