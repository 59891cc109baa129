"""Schema data the engine needs: list merge keys and patch strategies of the Kubernetes built-in types, the
kustomization file's JSON schema, and the check of values against such schemas (``conforms``)."""
