"""Training code for Norae's models (never imported by the runtime)."""
