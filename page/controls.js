// The settings form and the editable grids, both ways: state -> fields, and a field's change ->
// a new state. Changing a size keeps the values that still fit and numbers the new cells.
import { cellValue, resized } from "./state.js";

const field = (id) => document.getElementById(id);

/** Writes `state` into the settings form. */
export function showSettings(state) {
  field("input-rows").value = state.input.length;
  if (state.input.length) field("input-cols").value = state.input[0].length; // else keep what was typed
  field("kernel-rows").value = state.kernel.length;
  if (state.kernel.length) field("kernel-cols").value = state.kernel[0].length;
  [field("stride-h").value, field("stride-w").value] = state.stride;
  [field("padding-h").value, field("padding-w").value] = state.padding;
  field("pool-type").value = state.pool.type;
  field("pool-size").value = state.pool.size;
  field("pool-stride").value = state.pool.stride;
  field("pool-size").disabled = field("pool-stride").disabled = state.pool.type === "none";
  field("loss-type").value = state.loss;
  field("target").value = String(state.target);
}

/**
 * A size field's value as a whole number from 0 to 12 (the fields' max), for resizing; a size of
 * 0 sends an empty tensor, and the API's message about it shows by the field.
 */
function size(id) {
  const n = Math.trunc(Number(field(id).value));
  return Number.isFinite(n) ? Math.min(Math.max(n, 0), 12) : 0;
}

/** The state after the settings form changed. */
export function readSettings(state) {
  const next = structuredClone(state);
  next.input = resized(state.input, size("input-rows"), size("input-cols"), (r, c) => r * size("input-cols") + c + 1);
  next.kernel = resized(state.kernel, size("kernel-rows"), size("kernel-cols"), () => 0);
  next.stride = [cellValue(field("stride-h").value), cellValue(field("stride-w").value)];
  next.padding = [cellValue(field("padding-h").value), cellValue(field("padding-w").value)];
  const poolSize = cellValue(field("pool-size").value);
  const poolStride = cellValue(field("pool-stride").value);
  next.pool = { type: field("pool-type").value, size: poolSize, stride: poolStride };
  next.loss = field("loss-type").value;
  next.target = cellValue(field("target").value);
  return next;
}

/** The state after editable cell `input` (data-tensor, data-index) changed, or null if it is not one. */
export function readCell(state, input, names) {
  const value = cellValue(input.value);
  const [r, c] = input.dataset.index.split(",").map(Number);
  const next = structuredClone(state);
  const writers = {
    input: () => { next.input[r][c] = value; },
    "0.weight": () => { next.kernel[r][c] = value; },
    "0.bias": () => { next.bias = value; },
    [`${names.dense}.weight`]: () => { next.dense[c] = value; },
    [`${names.dense}.bias`]: () => { next.denseBias = value; },
  };
  const write = writers[input.dataset.tensor];
  if (!write) return null;
  write();
  return next;
}

/** A dense weight row of `length`: the values kept, new ones 0.1, 0.2, ... as in the lesson. */
export function denseOfLength(dense, length) {
  return Array.from({ length }, (_, k) => dense[k] ?? ((k % 10) + 1) / 10);
}
