"""One function per kustomize transformer, each rewriting a list of Resources in place (the patch filters
return a new object for the caller to put in place of the old one)."""
