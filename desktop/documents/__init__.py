"""Documents: the forms as data, filling them from a case, laying them out and writing PDFs.

``formdef`` loads and checks ``forms/*.toml``; ``fill`` turns a case into field values and a form into
printable text; ``fonts`` finds the faces; ``layout`` sets text on A4 pages (GB/T 9704); ``pdf`` writes
the pages with reportlab. Imports only ``core`` (never Qt, never the store).
"""
