// "Check my answer": the learner types a gradient, POST /grade marks it (hidden feedback: the
// answer is not revealed, only which cells are wrong and the likely mistake).
import { post } from "./api.js";
import { shapeOf, tensorTable } from "./grids.js";
import { cellValue } from "./state.js";

const typed = new Map(); // gradient name -> the learner's nested values, kept across recomputes
let shown = { name: null, shape: [] }; // the gradient whose grid is on the page

function blank(shape) {
  if (!shape.length) return "";
  return Array.from({ length: shape[0] }, () => blank(shape.slice(1)));
}

function sameShape(a, b) {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Offers every gradient of `answer` (POST /backward's response) with an empty grid of its shape. */
export function populateCheck(answer, symbols) {
  const select = document.getElementById("check-of");
  const chosen = select.value || "0.weight";
  select.replaceChildren(...Object.keys(answer.gradients).map((name) => {
    const option = new Option(`dL/d${symbols[name] ?? name} (${name})`, name);
    option.selected = name === chosen;
    return option;
  }));
  const shapes = Object.fromEntries(Object.entries(answer.gradients).map(([n, v]) => [n, shapeOf(v)]));
  select.onchange = () => renderAnswerGrid(select.value, shapes[select.value], symbols);
  renderAnswerGrid(select.value, shapes[select.value], symbols);
}

function renderAnswerGrid(name, shape, symbols) {
  const kept = typed.get(name);
  const values = kept && sameShape(shapeOf(kept), shape) ? kept : blank(shape);
  shown = { name, shape };
  const table = tensorTable({ name: `answer:${name}`, label: `your dL/d${symbols[name] ?? name}`, values, kind: "editable" });
  table.addEventListener("change", () => typed.set(name, readGrid(name, shape)));
  document.getElementById("check-grid").replaceChildren(table);
  document.getElementById("check-result").replaceChildren();
}

function readGrid(name, shape) {
  const values = blank(shape);
  for (const input of document.querySelectorAll(`[data-tensor="answer:${CSS.escape(name)}"]`)) {
    const index = input.dataset.index === "" ? [] : input.dataset.index.split(",").map(Number);
    if (!index.length) return cellValue(input.value);
    const row = index.slice(0, -1).reduce((v, i) => v[i], values);
    row[index[index.length - 1]] = cellValue(input.value);
  }
  return values;
}

/** Sends the typed gradient to POST /grade and shows which cells are wrong and the diagnosis. */
export async function checkAnswer(problem) {
  const { name, shape } = shown;
  const cells = document.querySelectorAll(`[data-tensor="answer:${CSS.escape(name)}"]`);
  const submitted = readGrid(name, shape);
  typed.set(name, submitted);
  const result = document.getElementById("check-result");
  result.replaceChildren(paragraph("checking…"));
  try {
    const graded = await post("grade", { ...problem, submission: { [name]: submitted }, feedback: "hidden" });
    showResult(name, graded.results[name], cells);
  } catch (error) {
    result.replaceChildren(paragraph(error.message, "field-error"));
  }
}

function showResult(name, outcome, cells) {
  for (const cell of cells) { cell.classList.remove("wrong"); cell.removeAttribute("aria-invalid"); }
  const lines = [];
  if (outcome.passed) {
    lines.push(paragraph(`Right: all ${outcome.total} cells match.`, "passed"));
  } else if (!outcome.shape_ok) {
    lines.push(paragraph(`Wrong shape: dL/d(${name}) has shape [${outcome.expected_shape.join(", ")}].`, "failed"));
  } else {
    const marked = outcome.mismatches ?? [];
    for (const { index } of marked) markWrong(cells, index);
    const more = outcome.mismatched > marked.length ? ` (the first ${marked.length} are marked)` : "";
    lines.push(paragraph(`${outcome.mismatched} of ${outcome.total} cells are wrong${more}.`, "failed"));
  }
  if (outcome.diagnosis) {
    const diagnosis = paragraph(outcome.diagnosis.message, "diagnosis");
    diagnosis.dataset.diagnosis = outcome.diagnosis.code;
    lines.push(diagnosis);
  }
  document.getElementById("check-result").replaceChildren(...lines);
}

function markWrong(cells, index) {
  const key = index.join(",");
  for (const cell of cells) {
    if (cell.dataset.index !== key) continue;
    cell.classList.add("wrong");
    cell.setAttribute("aria-invalid", "true");
  }
}

function paragraph(text, className) {
  const node = document.createElement("p");
  node.textContent = text;
  if (className) node.className = className;
  return node;
}
