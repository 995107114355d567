from audiocast.cli import main

raise SystemExit(main())
