"""Pass/fail bookkeeping and the figures scripts/load prints."""


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail):
        """Records one criterion and prints it with the figures that decided it."""
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)
        return ok

    @staticmethod
    def figure(text):
        print(f"     {text}", flush=True)


def percentile(values, p):
    """The p-th percentile (nearest rank) of values, or 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]
