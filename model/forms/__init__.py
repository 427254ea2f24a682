"""Reading retention forms ("Formulário - Processo de Retenção") exported as text or Word files."""
