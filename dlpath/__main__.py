from dlpath.cli import main

main()
