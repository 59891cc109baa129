from logpilot_manifests.cli.app import main

main()
