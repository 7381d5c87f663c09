"""The incidents list, by noun: its filters and its rows (the page: pages/incidents.py)."""
