"""`python -m logpilot_server` starts the server."""

from .app import main

main()
