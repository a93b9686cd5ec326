// Timing helpers the benches share: repeated runs summarized as p50 and max, printed in ms.

export async function timeAsync(fn, runs) {
  const ms = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  return summary(ms);
}

export function summary(ms) {
  return { p50: quantile(ms, 0.5), max: Math.max(...ms) };
}

export function quantile(values, p) {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function fmt(ms) {
  return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
}

export function positiveInt(text, flag) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${flag} must be a positive integer, got ${text}`);
    process.exit(2);
  }
  return value;
}
