"""One incident's page, by noun: what was reported and its map, the state as it moves
(stages, trail, nearby), the actions an officer takes. The page itself is
dashboard/pages/incident.py."""
