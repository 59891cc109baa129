"""A kustomize v5 compatible build engine: files, then Resources, then filters, then text."""
