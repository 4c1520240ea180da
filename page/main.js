// The page's wiring: state from the URL, one computation per change (the trunk's /forward to
// size the dense layer, then /backward with activations and their gradients), then the grids,
// the open explanation, max-pool routing and the answer checker. No number is computed here.
import { APIError, post } from "./api.js";
import { decodeState, encodeState, lessonState } from "./state.js";
import { layerNames, problemOf, trunkLayers } from "./problem.js";
import { backwardCards, forwardCards, symbols } from "./views.js";
import { clearHighlights, fetchExplanation, highlight, renderExplanation } from "./explain.js";
import { checkAnswer, populateCheck } from "./grade.js";
import { clearErrors, showError } from "./errors.js";
import { copyPermalink, copyPython } from "./share.js";
import { denseOfLength, readCell, readSettings, showSettings } from "./controls.js";
import { cellAt, focusedCell, restoreFocus, shapeOf } from "./grids.js";
import { showRouting } from "./routing.js";

const app = document.getElementById("app");
const byId = (id) => document.getElementById(id);
let state = decodeState(location.hash);
let latest = null; // {problem, answer} of the last computation that succeeded
let generation = 0; // answers to an older computation are dropped

function setStatus(status) {
  app.dataset.status = status;
  app.setAttribute("aria-busy", String(status === "busy"));
}

function writeURL() {
  history.replaceState(null, "", `#${encodeState(state)}`);
}

function render(answer) {
  const focus = focusedCell();
  byId("forward-flow").replaceChildren(...forwardCards(state, answer));
  const waiting = document.createElement("p");
  waiting.textContent = "No gradients until the error above is fixed.";
  byId("backward-flow").replaceChildren(...(answer ? backwardCards(state, answer) : [waiting]));
  if (answer) populateCheck(answer, symbols(state));
  restoreFocus(focus);
}

/** The number of features the API's flatten gives for the conv (and pool) of `of`. */
async function flattenedFeatures(of) {
  const trunk = await post("forward", { input: of.input, layers: trunkLayers(of) });
  return shapeOf(trunk.output)[1];
}

async function compute() {
  const mine = ++generation;
  setStatus("busy");
  byId("notice").textContent = "";
  try {
    const features = await flattenedFeatures(state);
    if (mine !== generation) return;
    if (state.dense.length !== features) state.dense = denseOfLength(state.dense, features);
    const problem = problemOf(state);
    const answer = await post("backward", { ...problem, return: ["activations", "activation_gradients"] });
    if (mine !== generation) return;
    latest = { problem, answer };
    clearErrors();
    render(answer);
    writeURL();
    if (state.pool.type === "max") await showRouting(problem, symbols(state)).catch(routingFailed);
    if (state.explain) await explain(state.explain.of, state.explain.index);
    else resetExplanation();
    if (mine === generation) setStatus("ready");
  } catch (error) {
    if (mine !== generation) return;
    failed(error);
  }
}

/** Max-pool routing failed (a rate limit, say): said in the notice line, the page stays. */
function routingFailed(error) {
  byId("notice").textContent = `Max-pool routing could not be shown: ${error.message}`;
}

function failed(error) {
  latest = null;
  clearErrors();
  render(null);
  resetExplanation();
  showError(error instanceof APIError ? error : new APIError(0, { message: `The server could not be reached: ${error.message}` }), state);
  writeURL();
  setStatus("error");
}

function resetExplanation() {
  clearHighlights();
  const panel = byId("explain");
  delete panel.dataset.of;
  delete panel.dataset.index;
  const hint = document.createElement("p");
  hint.textContent = "Click any gradient cell to see how it is made.";
  byId("explain-body").replaceChildren(hint);
}

/** Shows the chain rule of dL/d`of` at `index` in the explain panel. */
async function explain(of, index) {
  if (!latest) return;
  const panel = byId("explain");
  try {
    const answer = await fetchExplanation(latest.problem, of, index);
    renderExplanation(byId("explain-body"), answer, symbols(state));
    highlight(answer, cellAt(`d:${of}`, index));
    panel.dataset.of = of;
    panel.dataset.index = index.join(",");
  } catch (error) {
    const message = document.createElement("p");
    message.className = "field-error";
    message.textContent = error.message;
    byId("explain-body").replaceChildren(message);
  }
}

async function explainCell(cell) {
  const of = cell.dataset.tensor.slice("d:".length);
  const index = cell.dataset.index === "" ? [] : cell.dataset.index.split(",").map(Number);
  state.explain = { of, index };
  writeURL();
  setStatus("busy");
  await explain(of, index);
  setStatus("ready");
}

/** Recomputes when `next` differs from the state on the page. */
function changeTo(next) {
  if (encodeState(next) === encodeState(state)) return;
  state = next;
  compute();
}

function onSettingsChange() {
  const next = readSettings(state);
  const sameShape = encodeState({ ...next, loss: state.loss, target: state.target }) === encodeState(state);
  if (!sameShape) next.explain = null;
  showSettings(next);
  changeTo(next);
}

function onCellChange(event) {
  const input = event.target.closest("input.edit");
  if (!input) return;
  const next = readCell(state, input, layerNames(state));
  if (next) changeTo(next);
}

function bindEvents() {
  const form = byId("controls");
  form.addEventListener("change", (event) => { if (event.target.id !== "hide-backward") onSettingsChange(); });
  form.addEventListener("submit", (event) => { event.preventDefault(); onSettingsChange(); });
  form.addEventListener("keydown", (event) => { if (event.key === "Enter" && event.target.matches("input")) onSettingsChange(); });
  byId("forward-flow").addEventListener("change", onCellChange);
  byId("forward-flow").addEventListener("keydown", (event) => { if (event.key === "Enter") onCellChange(event); });
  byId("backward-flow").addEventListener("click", async (event) => {
    const cell = event.target.closest("button.grad");
    if (!cell) return;
    await explainCell(cell);
    // At phone width the panel is below the grids: bring it into view after a tap (not after Enter,
    // where focus stays on the cell and the live region reads the explanation out).
    if (event.detail > 0 && matchMedia("(max-width: 64rem)").matches) byId("explain").scrollIntoView({ block: "start" });
  });
  byId("check-grid").addEventListener("keydown", (event) => {
    if (event.key === "Enter") byId("check-submit").click();
  });
  byId("reset").addEventListener("click", () => { state = lessonState(); showSettings(state); compute(); });
  byId("copy-link").addEventListener("click", copyPermalink);
  byId("copy-python").addEventListener("click", () => copyPython(state));
  byId("hide-backward").addEventListener("change", (event) => { byId("backward").hidden = event.target.checked; });
  byId("check-submit").addEventListener("click", async () => {
    if (!latest) return;
    setStatus("busy");
    await checkAnswer(latest.problem);
    setStatus("ready");
  });
  window.addEventListener("hashchange", () => {
    if (location.hash.slice(1) === encodeState(state)) return;
    state = decodeState(location.hash);
    showSettings(state);
    compute();
  });
}

bindEvents();
showSettings(state);
compute();
