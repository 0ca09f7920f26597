"""Office documents in and out: casebooks imported from spreadsheets and Word tables through a mapping
file, and a session's results written back into the same spreadsheet layout (docs/office-import.md)."""
