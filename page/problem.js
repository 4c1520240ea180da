// The API request a state describes (../shared/API.md "The problem"), the layer names the API
// gives it, and which control an error's `path` points at.

/** Layer names as the API defaults them: each layer's index in `layers`. */
export function layerNames(state) {
  const pooled = state.pool.type !== "none";
  return {
    conv: "0",
    pool: pooled ? "1" : null,
    flatten: pooled ? "2" : "1",
    dense: pooled ? "3" : "2",
  };
}

function convLayer(state) {
  return { type: "conv2d", weight: state.kernel, bias: [state.bias], stride: state.stride, padding: state.padding };
}

function poolLayer(state) {
  const { type, size, stride } = state.pool;
  return { type: type === "max" ? "maxpool2d" : "avgpool2d", kernel_size: size, stride };
}

/** The layers up to and including flatten: what sizes the dense layer. */
export function trunkLayers(state) {
  const layers = [convLayer(state)];
  if (state.pool.type !== "none") layers.push(poolLayer(state));
  layers.push({ type: "flatten" });
  return layers;
}

/** The whole problem: conv, optional pool, flatten, dense layer to one output, and the loss. */
export function problemOf(state) {
  return {
    input: state.input,
    layers: [...trunkLayers(state), { type: "linear", weight: [state.dense], bias: [state.denseBias] }],
    loss: { type: state.loss, target: [[state.target]] },
  };
}

/** How many subscripts follow `prefix` in `path`: "input[0][1]" has 2 after "input". */
function subscripts(path, prefix) {
  return (path.slice(prefix.length).match(/\[\d+\]/g) ?? []).length;
}

/**
 * The id of the error slot next to the control an API error `path` names ("layers[0].stride[1]").
 * A whole tensor or one of its rows is a size problem; one cell (two subscripts) is a value problem.
 */
export function errorSlotFor(path, state) {
  if (!path) return "general-error";
  if (path.startsWith("input")) return subscripts(path, "input") >= 2 ? "err-input" : "err-input-size";
  if (path.startsWith("loss")) return "err-loss";
  const match = /^layers\[(\d+)\]\.?([a-z_]*)/.exec(path);
  if (!match) return "general-error";
  const [layer, field] = [match[1], match[2]];
  const names = layerNames(state);
  if (layer === names.conv) return convSlot(field, subscripts(path, match[0]) >= 2);
  if (layer === names.pool) return "err-pool";
  if (layer === names.dense) return "err-dense";
  return "general-error";
}

/** A conv field's slot: a kernel cell's value is the kernel's, the kernel's shape is the size's. */
function convSlot(field, isCell) {
  if (field === "weight") return isCell ? "err-kernel" : "err-kernel-size";
  return { bias: "err-kernel", stride: "err-stride", padding: "err-padding" }[field] ?? "general-error";
}

/** The grid cell an error `path` names, as {tensor, index} ("layers[0].weight[1][0]" is 0.weight at 1,0), or null. */
export function cellForPath(path) {
  const match = /^(input|layers\[(\d+)\]\.(weight|bias))((?:\[\d+\])+)$/.exec(path ?? "");
  if (!match) return null;
  const tensor = match[1] === "input" ? "input" : `${match[2]}.${match[3]}`;
  const index = [...match[4].matchAll(/\d+/g)].map((m) => Number(m[0]));
  return { tensor, index };
}
