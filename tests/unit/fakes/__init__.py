"""In-memory implementations of the services' ports, one module per aggregate."""
