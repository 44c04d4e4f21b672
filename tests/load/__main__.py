"""`python -m tests.load`: see tests.load.campaign."""

from tests.load.campaign import main

raise SystemExit(main())
