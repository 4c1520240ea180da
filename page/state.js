// The page's whole state as one plain object, and its round trip through the URL's fragment
// (the permalink). Values the learner typed are kept as typed: a number, or the raw text when it
// is not one, so that the API (not the page) says what is wrong with it.

/** The lesson's worked example (../shared/API.md "The problem"). */
export function lessonState() {
  return {
    input: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]],
    kernel: [[1, 0], [0, -1]],
    bias: 0.5,
    stride: [2, 2],
    padding: [0, 0],
    pool: { type: "none", size: 2, stride: 2 },
    dense: [0.1, 0.2, 0.3, 0.4],
    denseBias: 0,
    loss: "mse",
    target: 1,
    explain: null, // {of, index} of the open explanation
  };
}

/** A typed cell value: a number when the text is one, else the text itself. */
export function cellValue(text) {
  const trimmed = String(text).trim();
  const number = Number(trimmed);
  return trimmed !== "" && Number.isFinite(number) ? number : trimmed;
}

const matrixText = (rows) => rows.map((row) => row.join(",")).join(";");
const matrixOf = (text) => text.split(";").map((row) => row.split(",").map(cellValue));
const pairText = (pair) => pair.join(",");
const pairOf = (text) => {
  const parts = text.split(",").map(cellValue);
  return parts.length === 1 ? [parts[0], parts[0]] : parts.slice(0, 2);
};

/** `key=value&...` with only what must be escaped escaped: commas, semicolons and @ stay readable. */
function readableQuery(params) {
  const escape = (text) => encodeURIComponent(text).replace(/%2C/g, ",").replace(/%3B/g, ";").replace(/%40/g, "@").replace(/%3A/g, ":");
  return [...params].map(([key, value]) => `${key}=${escape(value)}`).join("&");
}

/** The state as the fragment's query string: readable, so a teacher can edit a link by hand. */
export function encodeState(state) {
  const params = new Map();
  params.set("input", matrixText(state.input));
  params.set("kernel", matrixText(state.kernel));
  params.set("bias", String(state.bias));
  params.set("stride", pairText(state.stride));
  params.set("padding", pairText(state.padding));
  if (state.pool.type !== "none") {
    params.set("pool", `${state.pool.type},${state.pool.size},${state.pool.stride}`);
  }
  params.set("dense", state.dense.join(","));
  params.set("dense_bias", String(state.denseBias));
  params.set("loss", state.loss);
  params.set("target", String(state.target));
  if (state.explain) params.set("explain", `${state.explain.of}@${state.explain.index.join(",")}`);
  return readableQuery(params);
}

/** The state a fragment describes; fields it leaves out or garbles keep the lesson's values. */
export function decodeState(fragment) {
  const state = lessonState();
  const params = new URLSearchParams(fragment.replace(/^#/, ""));
  const readers = {
    input: (v) => { state.input = matrixOf(v); },
    kernel: (v) => { state.kernel = matrixOf(v); },
    bias: (v) => { state.bias = cellValue(v); },
    stride: (v) => { state.stride = pairOf(v); },
    padding: (v) => { state.padding = pairOf(v); },
    pool: (v) => {
      const [type, size, stride] = v.split(",");
      if (type !== "max" && type !== "avg") return;
      state.pool = { type, size: cellValue(size ?? 2), stride: cellValue(stride ?? size ?? 2) };
    },
    dense: (v) => { state.dense = v.split(",").map(cellValue); },
    dense_bias: (v) => { state.denseBias = cellValue(v); },
    loss: (v) => { state.loss = v; },
    target: (v) => { state.target = cellValue(v); },
    explain: (v) => {
      const [of, index] = v.split("@");
      state.explain = { of, index: (index ?? "").split(",").filter((s) => s !== "").map(Number) };
    },
  };
  for (const [key, value] of params) readers[key]?.(value);
  return state;
}

/** A matrix resized to rows x cols, keeping the values it has and filling new cells with fill(r, c). */
export function resized(matrix, rows, cols, fill) {
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => matrix[r]?.[c] ?? fill(r, c)));
}
