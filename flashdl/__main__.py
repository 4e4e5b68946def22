from flashdl.cli import main

raise SystemExit(main())
