"""Table models: read-model rows shaped for Qt views (one model per table)."""
