"""Ongoing monitoring of counterparties against list updates, alerts and analyst decisions."""
