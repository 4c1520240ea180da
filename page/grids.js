// Tensors as tables of cells. Every cell carries data-tensor (the API's name, "d:" before a
// gradient's) and data-index (comma-separated, in the rank the API writes that tensor), so tests
// and embedding sites can address it. Value cells show readable numbers with the full value in
// data-value; gradient cells are buttons; editable cells are text inputs.
import { full, indexText, readable } from "./format.js";

/** The shape of nested arrays: [] for a bare number. */
export function shapeOf(values) {
  const shape = [];
  for (let v = values; Array.isArray(v); v = v[0]) shape.push(v.length);
  return shape;
}

/** Row-major index of element `flat` in `shape`. */
function unravel(flat, shape) {
  const index = new Array(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis -= 1) {
    index[axis] = flat % shape[axis];
    flat = Math.floor(flat / shape[axis]);
  }
  return index;
}

function element(values, index) {
  return index.reduce((v, i) => v[i], values);
}

/** Cells as rows: the last axis across, every other axis down (a [1,1,h,w] tensor is h rows). */
function rowsOf(shape) {
  const cols = shape.length ? shape[shape.length - 1] : 1;
  const count = shape.reduce((a, b) => a * b, 1);
  const rows = [];
  for (let start = 0; start < count; start += cols) {
    rows.push(Array.from({ length: cols }, (_, c) => unravel(start + c, shape)));
  }
  return rows;
}

function valueCell(spec, index, value) {
  const cell = document.createElement("td");
  cell.className = "cell";
  cell.tabIndex = -1;
  cell.textContent = readable(value);
  cell.setAttribute("aria-label", `${spec.label}${indexText(index)} = ${full(value)}`);
  return cell;
}

function gradientCell(spec, index, value) {
  const cell = document.createElement("button");
  cell.type = "button";
  cell.className = "cell grad";
  cell.tabIndex = -1;
  cell.textContent = readable(value);
  cell.setAttribute("aria-label", `${spec.label}${indexText(index)} = ${full(value)}; explain`);
  return cell;
}

function editableCell(spec, index, value) {
  const cell = document.createElement("input");
  cell.className = "cell edit";
  cell.type = "text";
  cell.inputMode = "decimal";
  cell.value = String(value);
  cell.setAttribute("aria-label", `${spec.label}${indexText(index)}`);
  return cell;
}

const makers = { value: valueCell, gradient: gradientCell, editable: editableCell };

function tensorCell(spec, index) {
  const value = element(spec.values, index);
  const cell = makers[spec.kind](spec, index, value);
  cell.dataset.tensor = spec.name;
  cell.dataset.index = index.join(",");
  if (typeof value === "number") cell.dataset.value = full(value);
  if (spec.kind === "value") return cell;
  const holder = document.createElement("td");
  holder.append(cell);
  return holder;
}

/** A zero-padding cell around `of` (an input), at `index` in the input's own coordinates (-1 is above). */
function paddingCell(of, index) {
  const cell = document.createElement("td");
  cell.className = "pad";
  cell.textContent = "0";
  cell.dataset.padding = of;
  cell.dataset.index = index.join(",");
  cell.setAttribute("aria-label", `zero padding ${indexText(index)}`);
  return cell;
}

/** Rows with a ring of `padding` [ph, pw] zero cells around a 2-D tensor. */
function paddedRows(spec) {
  const [rows, cols] = shapeOf(spec.values);
  const [ph, pw] = spec.padding;
  const table = [];
  for (let r = -ph; r < rows + ph; r += 1) {
    const row = [];
    for (let c = -pw; c < cols + pw; c += 1) {
      const inside = r >= 0 && r < rows && c >= 0 && c < cols;
      row.push(inside ? tensorCell(spec, [r, c]) : paddingCell(spec.name, [r, c]));
    }
    table.push(row);
  }
  return table;
}

/**
 * A table of `spec.values`: {name, label, values, kind: "value" | "gradient" | "editable",
 * padding?: [ph, pw] (2-D tensors only)}.
 */
export function tensorTable(spec) {
  const table = document.createElement("table");
  table.className = `tensor ${spec.kind}`;
  table.setAttribute("aria-label", `${spec.label}, shape [${shapeOf(spec.values).join(", ")}]`);
  const cells = spec.padding && (spec.padding[0] > 0 || spec.padding[1] > 0)
    ? paddedRows(spec)
    : rowsOf(shapeOf(spec.values)).map((row) => row.map((index) => tensorCell(spec, index)));
  for (const row of cells) {
    const tr = document.createElement("tr");
    tr.append(...row);
    table.append(tr);
  }
  if (spec.kind !== "editable") enableArrowKeys(table);
  return table;
}

/** One tab stop per table; arrow keys, Home and End move between its cells (WAI-ARIA grid pattern). */
function enableArrowKeys(table) {
  const cells = () => [...table.querySelectorAll(".cell")];
  const first = cells()[0];
  if (first) first.tabIndex = 0;
  table.addEventListener("keydown", (event) => {
    const all = cells();
    const at = all.indexOf(document.activeElement);
    if (at < 0) return;
    const cols = table.rows[0].querySelectorAll(".cell").length || 1;
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols, Home: -at, End: all.length - 1 - at }[event.key];
    if (step === undefined) return;
    const next = all[at + step];
    if (!next) return;
    event.preventDefault();
    all[at].tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
}

/** A titled box for one tensor (or a few side by side), with an error slot when `errorId` is given. */
export function card(title, tables, errorId) {
  const figure = document.createElement("figure");
  figure.className = "card";
  const caption = document.createElement("figcaption");
  caption.innerHTML = title;
  figure.append(caption, ...tables);
  if (errorId) {
    const slot = document.createElement("p");
    slot.className = "field-error";
    slot.id = errorId;
    slot.setAttribute("role", "alert");
    slot.hidden = true;
    figure.append(slot);
  }
  return figure;
}

/** The cell of tensor `name` at `index`, if it is on the page. */
export function cellAt(name, index) {
  return document.querySelector(`[data-tensor="${CSS.escape(name)}"][data-index="${index.join(",")}"]`);
}

/** The zero-padding cell of `name` at `index`, if it is on the page. */
export function paddingAt(name, index) {
  return document.querySelector(`[data-padding="${CSS.escape(name)}"][data-index="${index.join(",")}"]`);
}

/** The tensor cell that has focus, as {tensor, index}, so a re-render can give it back. */
export function focusedCell() {
  const { tensor, index } = document.activeElement?.dataset ?? {};
  return tensor === undefined ? null : { tensor, index };
}

/** Focuses the cell `focus` names again, making it its grid's tab stop. */
export function restoreFocus(focus) {
  if (!focus) return;
  const cell = cellAt(focus.tensor, focus.index === "" ? [] : focus.index.split(","));
  if (!cell) return;
  for (const other of cell.closest("table")?.querySelectorAll(".cell") ?? []) {
    if (other.tabIndex === 0 && other !== cell && !other.classList.contains("edit")) other.tabIndex = -1;
  }
  if (!cell.classList.contains("edit")) cell.tabIndex = 0;
  cell.focus();
}
