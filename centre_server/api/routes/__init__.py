"""API routes, one module per audience or resource."""
