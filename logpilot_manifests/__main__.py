from logpilot_manifests.cli.main import main

main()
