"""Pure queue domain of a Foleni centre: no I/O, no framework, the clock passed in."""
