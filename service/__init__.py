"""The motivo HTTP service and command line."""
