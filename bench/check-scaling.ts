// How the offline check scales with the number of shared domains. Timings on a shared machine
// are noisy, so the benchmark reports ratios within one run (time per domain at each size
// against the smallest size) rather than absolute budgets. Run: npm run bench
import { performance } from 'node:perf_hooks';
import { parseSpec } from '../src/core/spec/parse-spec';

const SIZES = [10, 100, 1000, 4000];
const ROUNDS = 5;

function specWithDomains(count: number): string {
  const domains: string[] = [];
  for (let index = 0; index < count; index++) {
    domains.push(
      index % 2 === 0
        ? `  - d${index}.example`
        : `  - name: d${index}.example\n    relay: { domain: true, allRecipients: true, unknownOnly: true }`,
    );
  }
  return [
    'version: 1',
    'domains:',
    ...domains,
    'mailcow:',
    '  url: https://mail.example.net',
    '  apiKey: env:MAILCOW_API_KEY',
    'exchange:',
    '  tenant: contoso.onmicrosoft.com',
    '  gateway: d0-example.mail.protection.outlook.com',
    '',
  ].join('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const perDomain: { size: number; ms: number; usPerDomain: number; heapMiB: number }[] = [];
for (const size of SIZES) {
  const text = specWithDomains(size);
  parseSpec(text); // warm-up: the first run pays for compilation of the hot paths
  const times: number[] = [];
  let heap = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const before = process.memoryUsage().heapUsed;
    const start = performance.now();
    const parsed = parseSpec(text);
    times.push(performance.now() - start);
    heap = Math.max(heap, process.memoryUsage().heapUsed - before);
    if (!parsed.spec || parsed.spec.domains.length !== size) {
      throw new Error(`the spec with ${size} domains did not parse into ${size} domains`);
    }
  }
  const ms = median(times);
  perDomain.push({ size, ms, usPerDomain: (ms * 1000) / size, heapMiB: heap / 1024 / 1024 });
}

const base = perDomain[0]?.usPerDomain ?? 1;
console.log('domains  median ms  µs/domain  ratio to smallest  heap growth MiB');
for (const row of perDomain) {
  console.log(
    `${String(row.size).padStart(7)}  ${row.ms.toFixed(1).padStart(9)}  ${row.usPerDomain
      .toFixed(1)
      .padStart(9)}  ${(row.usPerDomain / base).toFixed(2).padStart(17)}  ${row.heapMiB
      .toFixed(1)
      .padStart(15)}`,
  );
}
