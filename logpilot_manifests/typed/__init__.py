"""Typed views of the rendered manifests: checks that need to understand what a resource means."""
