"""One pure function per kustomize transformer, each over a list of Resources."""
