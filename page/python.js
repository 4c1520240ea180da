// "Copy as Python": the exact request the page sends, as a requests + numpy snippet.

/** A Python literal for JSON-compatible `value` (None, True and False spelled as Python does). */
function pythonLiteral(value) {
  return JSON.stringify(value, null, 1)
    .replace(/\n\s*/g, " ")
    .replace(/\[ /g, "[").replace(/ \]/g, "]").replace(/\{ /g, "{").replace(/ \}/g, "}")
    .replace(/\bnull\b/g, "None").replace(/\btrue\b/g, "True").replace(/\bfalse\b/g, "False");
}

/** The snippet that POSTs `problem` to `baseURL`/backward and prints the loss and every gradient. */
export function pythonSnippet(problem, baseURL, needsKey) {
  const auth = needsKey
    ? '\nheaders = {"Authorization": "Bearer " + os.environ["CONVGRAD_API_KEY"]}'
    : "\nheaders = {}";
  return `${needsKey ? "import os\n\n" : ""}import numpy as np
import requests

problem = ${pythonLiteral(problem)}
${auth}
response = requests.post(
    "${new URL("backward", baseURL)}",
    json={**problem, "return": ["activations", "activation_gradients"]},
    headers=headers,
    timeout=30,
)
response.raise_for_status()
result = response.json()
print("loss", result["loss"])
for name, gradient in result["gradients"].items():
    print("dL/d" + name, np.array(gradient), sep="\\n")
`;
}
