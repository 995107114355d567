"""What each command does, for cli.py's parser: making.py (episode, edition, demo, script,
voices), site.py (build, serve, sync, status, exclude/include), desk.py (desk, desk user, desk
token). Each imports what it needs when it runs (tests/test_startup.py)."""
