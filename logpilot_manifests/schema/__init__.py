"""Schema data the engine needs: list merge keys and patch strategies of the Kubernetes built-in types."""
