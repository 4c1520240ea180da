// The chain rule for one gradient element, from POST /explain: the board line, the formula, and
// each term of the sum with its two factors highlighted in their grids (padding cells marked).
import { post } from "./api.js";
import { cellAt, paddingAt } from "./grids.js";
import { full, indexText, readable } from "./format.js";

/** Asks the API to explain dL/d`of` at `index` for `problem`. */
export function fetchExplanation(problem, of, index) {
  return post("explain", { ...problem, of, index });
}

function span(className, text, fullValue) {
  const node = document.createElement("span");
  node.className = className;
  node.textContent = text;
  if (fullValue !== undefined) {
    node.dataset.value = full(fullValue);
    node.title = full(fullValue);
  }
  return node;
}

function factorName(factor, symbols, isGradient) {
  const name = symbols[factor.of] ?? factor.of;
  return `${isGradient ? `dL/d${name}` : name}${indexText(factor.index ?? [])}`;
}

/** One term: "dL/dz[..] (-1.1) x X[..] (1) = -1.1", or the loss's derivative with its formula. */
function termItem(term, position, symbols) {
  const item = document.createElement("li");
  item.dataset.term = String(position);
  item.tabIndex = 0;
  const { upstream, local } = term;
  if (upstream.of === "loss") {
    item.classList.add("loss-term");
    item.append(span("name", "dL/dy_hat"), " = ", span("formula", upstream.formula), " = ",
      span("num", readable(upstream.value), upstream.value));
  } else {
    item.append(span("name", factorName(upstream, symbols, true)), " ", span("num", readable(upstream.value), upstream.value));
  }
  item.append(" \u00d7 ", localFactor(local, symbols), " = ", span("num product", readable(term.product), term.product));
  return item;
}

function localFactor(local, symbols) {
  const node = document.createElement("span");
  node.className = local.padding ? "factor padding" : "factor";
  // A constant factor (1 for a bias or a reshape, 1/k for an avg-pool window) is only its value.
  if (local.of !== "constant") node.append(span("name", factorName(local, symbols, false)), " ");
  node.append(span("num", readable(local.value), local.value));
  if (local.formula) node.append(" ", span("note", `(${local.formula})`));
  return node;
}

/** The cells a term multiplies: [upstream cell(s), local cell]; padding cells are marked apart. */
function termCells(term) {
  const { upstream, local } = term;
  const ups = upstream.of === "loss"
    ? [cellAt("output", upstream.index), cellAt("target", [0, 0])]
    : [cellAt(`d:${upstream.of}`, upstream.index)];
  const locals = !local.index ? [] : [local.padding ? paddingAt(local.of, local.index) : cellAt(local.of, local.index)];
  return { ups: ups.filter(Boolean), locals: locals.filter(Boolean), padding: Boolean(local.padding) };
}

const markClasses = ["explained", "factor-up", "factor-local", "factor-pad", "term-focus"];

export function clearHighlights() {
  for (const name of markClasses) {
    for (const node of document.querySelectorAll(`.${name}`)) node.classList.remove(name);
  }
  document.body.classList.remove("focusing-term");
}

function markTerm(term, extra) {
  const cells = termCells(term);
  for (const cell of cells.ups) cell.classList.add("factor-up", ...extra);
  for (const cell of cells.locals) cell.classList.add(cells.padding ? "factor-pad" : "factor-local", ...extra);
}

/** Highlights every term's factors and the explained cell; a focused or hovered term stands out. */
export function highlight(answer, clicked) {
  clearHighlights();
  clicked?.classList.add("explained");
  for (const term of answer.terms) markTerm(term, []);
}

function focusTerm(term, on) {
  for (const node of document.querySelectorAll(".term-focus")) node.classList.remove("term-focus");
  document.body.classList.toggle("focusing-term", on);
  if (on) markTerm(term, ["term-focus"]);
}

/** Fills the explain panel with `answer` (POST /explain's response). */
export function renderExplanation(body, answer, symbols) {
  body.replaceChildren();
  const title = document.createElement("p");
  title.className = "explained-title";
  title.append(span("name", `dL/d${symbols[answer.of] ?? answer.of}${indexText(answer.index)}`), " = ",
    span("num", readable(answer.value), answer.value));
  const board = document.createElement("p");
  board.className = "board";
  board.append(code(answer.board ?? answer.formula));
  const formula = document.createElement("p");
  formula.className = "formula";
  formula.append(code(answer.formula));
  const list = document.createElement("ol");
  list.className = "terms";
  answer.terms.forEach((term, position) => {
    const item = termItem(term, position, symbols);
    for (const type of ["mouseenter", "focus"]) item.addEventListener(type, () => focusTerm(term, true));
    for (const type of ["mouseleave", "blur"]) item.addEventListener(type, () => focusTerm(term, false));
    list.append(item);
  });
  const sum = document.createElement("p");
  sum.className = "sum";
  sum.append(answer.terms.length ? "sum of the products = " : "no term: the gradient is ",
    span("num", readable(answer.value), answer.value));
  body.append(title, board, formula, list, sum);
}

function code(text) {
  const node = document.createElement("code");
  node.textContent = text;
  return node;
}
