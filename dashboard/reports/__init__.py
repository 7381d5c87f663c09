"""Printed reports and exports: making them (daily, grid monthly), PDF, keeping and scheduling."""
