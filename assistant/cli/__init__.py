"""The ``gongkai`` command line: a thin click layer over the same factories the app uses."""
