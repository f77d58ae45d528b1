"""Pure helpers with no Django models: environment parsing, dates, text."""
