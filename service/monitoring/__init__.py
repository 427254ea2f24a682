"""The model keeper's live measures: what the model suggested and what agents confirmed, per day
(America/Sao_Paulo) and model version, stored as aggregates without texts."""
