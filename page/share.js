// "Copy permalink" and "Copy as Python": the clipboard when the browser allows it, else the text
// shown to select by hand.
import { storedKey } from "./api.js";
import { problemOf } from "./problem.js";
import { pythonSnippet } from "./python.js";

const byId = (id) => document.getElementById(id);

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export async function copyPermalink() {
  const copied = await copy(location.href);
  byId("notice").textContent = copied ? "Permalink copied." : `Permalink: ${location.href}`;
}

/** Shows the snippet for `state` in its dialog and copies it. */
export async function copyPython(state) {
  const code = pythonSnippet(problemOf(state), location.href, storedKey() !== null);
  byId("python-code").textContent = code;
  byId("python-dialog").showModal();
  const copied = await copy(code);
  byId("python-status").textContent = copied ? "Copied to the clipboard." : "Select the code and copy it.";
}
