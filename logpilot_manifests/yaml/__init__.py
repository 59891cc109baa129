"""YAML read and written exactly as kustomize (v5.5.0) does, and nothing of Kubernetes.

``scalars`` (which text is which type), ``reader`` (``load_documents``), ``writer`` (``dump_documents``),
``keyorder`` (go-yaml's key order). Import the module you need: the package itself imports nothing, which
keeps start-up cheap.
"""
