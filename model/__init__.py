"""The motivo classifier: text normalisation, features, estimators, suggestions and evidence."""
