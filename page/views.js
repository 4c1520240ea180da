// The forward and backward passes as rows of cards, from the state (the learner's values) and
// the API's /backward answer (every computed number).
import { card, tensorTable } from "./grids.js";
import { layerNames } from "./problem.js";

/** Friendly symbols for the API's names, used in captions, labels and the explanation. */
export function symbols(state) {
  const n = layerNames(state);
  const table = {
    input: "X", "0.weight": "W", "0.bias": "b", [n.conv]: "z", [n.flatten]: "f",
    [`${n.dense}.weight`]: "W2", [`${n.dense}.bias`]: "b2", [n.dense]: "y_hat", output: "y_hat", target: "y", loss: "L",
  };
  if (n.pool) table[n.pool] = "p";
  return table;
}

/** A computed tensor's table, or a dash while there is no answer. */
function value(name, label, values) {
  if (values === undefined) {
    const missing = document.createElement("p");
    missing.className = "missing";
    missing.textContent = "\u2014";
    return missing;
  }
  return tensorTable({ name, label, values, kind: "value" });
}

const editable = (name, label, values, padding) => tensorTable({ name, label, values, kind: "editable", padding });
const gradient = (name, label, values) => tensorTable({ name: `d:${name}`, label, values, kind: "gradient" });

/** The forward pass: X, W and b (editable), z, p, f, the dense layer (editable), y_hat and L. */
export function forwardCards(state, answer) {
  const n = layerNames(state);
  const act = answer?.activations ?? {};
  const poolName = state.pool.type === "max" ? "maxpool" : "avgpool";
  const cards = [
    card("X <small>input</small>", [editable("input", "X", state.input, state.padding)], "err-input"),
    card("W <small>kernel</small> and b", [editable("0.weight", "W", state.kernel), editable("0.bias", "b", [state.bias])], "err-kernel"),
    card("z = X &#8902; W + b <small>conv output</small>", [value(n.conv, "z", act[n.conv])]),
  ];
  if (n.pool) cards.push(card(`p = ${poolName}(z)`, [value(n.pool, "p", act[n.pool]), poolNote(state)]));
  cards.push(
    card(`f = flatten(${n.pool ? "p" : "z"})`, [value(n.flatten, "f", act[n.flatten])]),
    card("W2 and b2 <small>dense layer</small>", [
      editable(`${n.dense}.weight`, "W2", [state.dense]), editable(`${n.dense}.bias`, "b2", [state.denseBias]),
    ], "err-dense"),
    card("y_hat = f W2<sup>T</sup> + b2", [value("output", "y_hat", answer?.output)]),
    card(`L = ${state.loss}(y_hat, y)`, [value("loss", "L", answer?.loss)]),
  );
  return cards;
}

/** The backward pass, from the loss back to the input: every gradient the API returned. */
export function backwardCards(state, answer) {
  const n = layerNames(state);
  const g = answer.gradients;
  const dz = answer.activation_gradients;
  const cards = [
    card("dL/dy_hat", [gradient(n.dense, "dL/dy_hat", dz[n.dense])]),
    card("dL/dW2 and dL/db2", [
      gradient(`${n.dense}.weight`, "dL/dW2", g[`${n.dense}.weight`]), gradient(`${n.dense}.bias`, "dL/db2", g[`${n.dense}.bias`]),
    ]),
    card("dL/df", [gradient(n.flatten, "dL/df", dz[n.flatten])]),
  ];
  if (n.pool) cards.push(card("dL/dp", [gradient(n.pool, "dL/dp", dz[n.pool])]));
  cards.push(
    card("dL/dz", [gradient(n.conv, "dL/dz", dz[n.conv])]),
    card("dL/dW and dL/db", [gradient("0.weight", "dL/dW", g["0.weight"]), gradient("0.bias", "dL/db", g["0.bias"])]),
    card("dL/dX", [gradient("input", "dL/dX", g.input)]),
  );
  return cards;
}

function poolNote(state) {
  const note = document.createElement("p");
  note.className = "note";
  note.textContent = state.pool.type === "max"
    ? "Outlined z cells are window maxima: max-pool sends each window's gradient to its first maximum only."
    : "Avg-pool shares each window's gradient equally among its cells.";
  return note;
}
