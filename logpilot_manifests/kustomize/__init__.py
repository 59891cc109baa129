"""A kustomize v5 compatible build engine: files, then Resources, then filters, then text."""

# The names a kustomization file may have in its directory, in the order kustomize looks for them.
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
