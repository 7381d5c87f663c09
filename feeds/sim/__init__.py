"""The demo simulator: a realistic day of reports, readings and responders."""
