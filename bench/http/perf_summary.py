#!/usr/bin/env python3
"""Where the server's time goes, from a `perf record -e cpu-clock -g` file of gradserver.

usage: perf_summary.py FILE.perf [TOP]

Prints three views of the samples (percent of all samples of the process):
  1. self time by bucket: the function a sample landed in, classified by module and name
     (engine, JSON read, JSON write, HTTP, memory copies, malloc, Swift runtime, kernel memory
     management, other kernel work such as sockets and scheduling);
  2. inclusive time of a few anchor functions (request decoding, the engine, response encoding,
     socket reads and writes); work that the engine hands to other threads via Dispatch is not
     under Network.backward's stack, hence the separate Parallel line;
  3. the TOP (default 15) functions by self time.
"""
import re
import subprocess
import sys

BUCKETS = [  # (bucket, dso pattern or None, symbol pattern); the first match wins
    ("kernel: memory (faults, zeroing, unmap)", r"kernel", r"page|fault|clear_|unmap|zap_|folio|lru|"
     r"madvise|memcg|rmqueue|alloc_|free_|pte|pmd|mm_|vma|tlb|charge|mas_|__list_"),
    ("kernel: sockets, syscalls, scheduling", r"kernel", r"."),
    ("engine: GEMM", None, r"GEMM"),
    ("engine: other (conv, pool, activations, ...)", None,
     r"ConvKernels|Conv2dSpec|MaxPool|AvgPool|Activation|Linear|Loss|CrossEntropy|Network\.|"
     r"Parallel|Tensor\.|[Ii]m2col|col2im|Padding|Pool"),
    ("JSON read (parse, decode problem)", None,
     r"JSONDocumentParser|JSONScanner|DecimalToDouble|eiselLemire|parseJSON|TensorDecoder|"
     r"Problem\.|LayerDecoder|LossDecoder|FieldReader|JSONValue|NonFiniteScan|InputRank"),
    ("JSON write (response)", None, r"JSONWriter|DoubleText|Schubfach|ComputeResponse|TensorWriting"),
    ("HTTP server", None,
     r"Connection|RequestParser|HTTPHeaders|ResponseSerializer|EventLoop|ComputePool|HTTPServer|"
     r"InputBuffer|RequestHead|Router|IMFDate|Socket|ServerMetrics|Exchange"),
    ("libc: memmove / memset", r"libc", r"mem(move|set|cpy)"),
    ("libc: malloc / free", r"libc", r"malloc|free|_int_|chunk|tcache|consolidate"),
    ("Swift runtime, strings, Foundation, Dispatch", r"swift|Foundation|dispatch|libBlocks", r"."),
]

ANCHORS = [
    ("Problem.decode (parse + build the problem)", r"static Problem\.decode\(body:"),
    ("  of which parseJSON", r"^parseJSON\("),
    ("Network.backward (engine, calling thread)", r"^Network\.backward\("),
    ("Parallel.forEach closures (engine, all threads)", r"^closure #1 in closure #1 in static Parallel\.forEach\("),
    ("ComputeResponse.backward (encode the response)", r"static ComputeResponse\.backward\("),
    ("Connection.readAvailable (read requests)", r"^Connection\.readAvailable\(\)"),
    ("__send (write responses)", r"^__send$"),
    ("page faults (all callers)", r"^exc_page_fault$"),
]


def report(path, children):
    mode = "--children" if children else "--no-children"
    sort = "symbol" if children else "dso,symbol"
    raw = subprocess.run(["perf", "report", "-i", path, mode, "--sort", sort, "--stdio", "-g", "none",
                          "--percent-limit", "0"], capture_output=True, text=True).stdout
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input=raw,
                               capture_output=True, text=True).stdout
    rows = []
    for line in demangled.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if children:
            m = re.match(r"\s*([\d.]+)%\s+([\d.]+)%\s+\[.\]\s+(.*)$", line)
            if m:
                rows.append((float(m.group(1)), "", m.group(3).rstrip(" -")))
        else:
            m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[.\]\s+(.*)$", line)
            if m:
                rows.append((float(m.group(1)), m.group(2), m.group(3).rstrip(" -")))
    return rows


def bucket(dso, symbol):
    for name, dso_pattern, symbol_pattern in BUCKETS:
        if dso_pattern and not re.search(dso_pattern, dso):
            continue
        if re.search(symbol_pattern, symbol):
            return name
    return "other"


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    top = int(argv[2]) if len(argv) > 2 else 15
    self_rows = report(argv[1], children=False)
    totals = {}
    for percent, dso, symbol in self_rows:
        b = bucket(dso, symbol)
        totals[b] = totals.get(b, 0.0) + percent
    print("self time by bucket:")
    for name, percent in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {percent:5.1f}%  {name}")
    print("inclusive time of anchors:")
    inclusive = report(argv[1], children=True)
    for label, pattern in ANCHORS:
        percent = max((p for p, _, s in inclusive if re.search(pattern, s)), default=0.0)
        print(f"  {percent:5.1f}%  {label}")
    print(f"top {top} functions by self time:")
    for percent, dso, symbol in self_rows[:top]:
        print(f"  {percent:5.1f}%  {dso:<18} {symbol[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
