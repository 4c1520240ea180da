// Numbers as a learner reads them: four significant digits ("-96.8"), the full shortest
// round-trip value (what the API wrote) kept for hover, focus and screen readers.

/** "-96.8" for -96.80000000000001; exponent form outside [1e-3, 1e5). */
export function readable(value) {
  if (typeof value !== "number") return String(value);
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(2).replace(/\.?0+e/, "e");
  return String(Number(value.toPrecision(4)));
}

/** The full value, shortest round-trip, as the API wrote it. */
export function full(value) {
  return String(value);
}

/** "[0,1]" for an index array; "" for a scalar. */
export function indexText(index) {
  return index.length ? `[${index.join(",")}]` : "";
}
