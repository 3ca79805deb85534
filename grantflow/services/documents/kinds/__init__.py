"""One module per document kind; ``grantflow.services.documents.registry`` lists them."""
