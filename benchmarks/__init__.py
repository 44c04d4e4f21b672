"""Side-by-side benchmarks: each runs the platform's path and a baseline in one run and prints
the ratio (absolute numbers move with neighbour noise on this machine; ratios much less)."""
