// The resource bench's report from its results: tables, and PASS or FAIL for each bound against its target.

export interface Results {
  sizes: { target: number; tokens: number; files: number; chunks: number; memoryTokens: number; seconds: number; cpuSeconds: number; maxRssMB: number; storeBytes: number }[];
  asks: { asks: number; samples: { asks: number; rssMB: number; heapMB: number }[]; seconds: number; cpuSeconds: number; p50Ms: number; maxRssMB: number };
  engineCancels: { phase: string; tokensDone?: number; ms: number; outcome: string }[];
  cliCancels: { delaySeconds: number; inMemoryPass: boolean; ms: number; exitCode: number | null }[];
  file: { megabytes: number; tokens: number; seconds: number; cpuSeconds: number; maxRssMB: number; storeBytes: number };
  machine: { cores: number; loadAverage: number; date: string };
}

/** Growth exponents up to this count as linear: a few percent of noise in a peak RSS or a store's size. */
const LINEAR_EXPONENT = 1.05;
const MAX_ASK_GROWTH = 0.1;
const MAX_CANCEL_MS = 500;
const MAX_FILE_RSS_MB = 1024;

const f = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "-");
const verdict = (pass: boolean): string => (pass ? "**PASS**" : "**FAIL**");

/** log(b/a) / log(tokens b / tokens a) for each pair of neighbouring sizes: 1 is linear growth. */
function exponents(sizes: Results["sizes"], value: (row: Results["sizes"][number]) => number): number[] {
  return sizes.slice(1).map((row, i) => Math.log(value(row) / value(sizes[i]!)) / Math.log(row.tokens / sizes[i]!.tokens));
}

function percentile(values: number[], p: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[Math.floor(p * (sorted.length - 1))] ?? Number.NaN;
}

export function renderResources(results: Results, figure: string): string {
  const { sizes, asks, engineCancels, cliCancels, file, machine } = results;
  const rssExponents = exponents(sizes, (row) => row.maxRssMB);
  const storeExponents = exponents(sizes, (row) => row.storeBytes);
  const [first, ...rest] = asks.samples;
  const growth = Math.max(...rest.map((sample) => sample.rssMB)) / first!.rssMB - 1;
  const cancels = [...engineCancels.map((trial) => trial.ms), ...cliCancels.map((trial) => trial.ms)];
  const cancelMax = Math.max(...cancels.filter(Number.isFinite));
  // A cut the engine did not honour (the run finished) is no cancellation, however quick.
  const unhonoured = engineCancels.filter((trial) => trial.outcome !== "CANCELLED").length;
  const cut = (phase: string) => engineCancels.filter((trial) => trial.phase === phase);
  const lines = [
    "## resources benchmark: memory, store size and cancellation (issue #16)\n",
    `${machine.cores} cores, load average ${f(machine.loadAverage, 1)} at the end of the last part run (parts may run at other times: --only), ${machine.date}; each measurement in a process of its own ` +
      "(peak RSS is the process's, worker threads included). Other processes shared the cores: times are noisy, compare CPU seconds.\n",
    `![Peak RSS and store size against tokens; RSS over 1,000 asks](${figure})\n`,
    "| workspace | tokens | files | full index (lexical + memory) s | CPU s | peak RSS MB | store MB | store bytes/token |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...sizes.map((row) => `| ${f(row.target / 1e6, 1)}M held-out tokens | ${f(row.tokens)} | ${f(row.files)} | ${f(row.seconds, 1)} | ${f(row.cpuSeconds, 1)} | ${f(row.maxRssMB)} | ${f(row.storeBytes / 1e6, 1)} | ${f(row.storeBytes / row.tokens, 1)} |`),
    `| one ${file.megabytes} MB file (as the CLI indexes it: the lexical pass, and the memory pass over its first 4,194,304 tokens) | ${f(file.tokens)} | 1 | ${f(file.seconds, 1)} | ${f(file.cpuSeconds, 1)} | ${f(file.maxRssMB)} | ${f(file.storeBytes / 1e6, 1)} | ${f(file.storeBytes / file.tokens, 1)} |`,
    "",
    `Trees of more than 2M tokens are the held-out corpus's first 2M tokens and then its first files again, each marked as a copy (the corpus holds about 2.5M). The memory reads at most 4,194,304 tokens.\n`,
    "| bound | measured | target | |",
    "| --- | --- | --- | --- |",
    `| peak RSS against tokens | growth exponent ${rssExponents.map((e) => f(e, 2)).join(", ")} between neighbouring sizes | <= ${LINEAR_EXPONENT} (linear) | ${verdict(rssExponents.every((e) => e <= LINEAR_EXPONENT))} |`,
    `| store size against tokens | growth exponent ${storeExponents.map((e) => f(e, 2)).join(", ")} | <= ${LINEAR_EXPONENT} (linear) | ${verdict(storeExponents.every((e) => e <= LINEAR_EXPONENT))} |`,
    `| ${f(asks.asks)} asks in a row, ${f(sizes.find((row) => row.target === 1_000_000)?.tokens ?? Number.NaN)}-token store | RSS ${f(first!.rssMB)} MB after ${first!.asks}, at most ${f(first!.rssMB * (1 + growth))} MB after; growth ${f(100 * growth, 1)}% (p50 ${f(asks.p50Ms)} ms per ask) | <= ${100 * MAX_ASK_GROWTH}% | ${verdict(growth <= MAX_ASK_GROWTH)} |`,
    `| cancellation, ${cancels.filter(Number.isFinite).length} trials | max ${f(cancelMax)} ms, p50 ${f(percentile(cancels, 0.5))} ms${unhonoured > 0 ? `; ${unhonoured} engine cut${unhonoured === 1 ? "" : "s"} not honoured (the run finished)` : ""} | <= ${MAX_CANCEL_MS} ms, every cut honoured | ${verdict(cancelMax <= MAX_CANCEL_MS && unhonoured === 0)} |`,
    `| one ${file.megabytes} MB file | peak RSS ${f(file.maxRssMB)} MB | <= ${MAX_FILE_RSS_MB} MB | ${verdict(file.maxRssMB <= MAX_FILE_RSS_MB)} |`,
    "",
    "Cancellation: from the abort to the index call's return (engine, a 100K-token tree, cut when the run first reports a phase; the memory pass after its first tokens) and from Ctrl-C to the CLI's exit (`longlens index` on the same tree, at a delay after start; a run that ended first is left out):\n",
    "| cut | trials | max ms | p50 ms | outcome |",
    "| --- | ---: | ---: | ---: | --- |",
    ...["scan", "read", "memory", "write"].filter((phase) => cut(phase).length > 0).map((phase) => {
      const trials = cut(phase);
      const ms = trials.map((trial) => trial.ms);
      return `| engine, ${phase} phase | ${trials.length} | ${f(Math.max(...ms))} | ${f(percentile(ms, 0.5))} | ${[...new Set(trials.map((trial) => trial.outcome))].join(", ")} |`;
    }),
    ...[false, true].flatMap((memory) => {
      const trials = cliCancels.filter((trial) => trial.inMemoryPass === memory && Number.isFinite(trial.ms));
      if (trials.length === 0) return [];
      const ms = trials.map((trial) => trial.ms);
      // No exit code: the default SIGINT ended the process, which happens once the run is over and its handler gone.
      const codes = [...new Set(trials.map((trial) => (trial.exitCode === null ? "ended by SIGINT after the run" : `exit ${trial.exitCode}`)))].join(", ");
      return `| CLI Ctrl-C, ${memory ? "in the memory pass" : "before the memory pass"} (${trials.map((trial) => `${trial.delaySeconds} s`).join(", ")}) | ${trials.length} | ${f(Math.max(...ms))} | ${f(percentile(ms, 0.5))} | ${codes} |`;
    }),
  ];
  return lines.join("\n");
}
