from sdrscan.cli import main

main()
