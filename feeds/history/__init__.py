"""Past days of the demo district, generated at its real rates (watchfloor history)."""
