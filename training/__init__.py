"""Training, evaluation, retraining, the model registry and reports."""
