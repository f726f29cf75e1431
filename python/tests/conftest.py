"""The package's own tests run against the installed package (the wheel, or
`pip install ./python`): its program, its plugin, its fixtures."""

pytest_plugins = ["pytester"]
