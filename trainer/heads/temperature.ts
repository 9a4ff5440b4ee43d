/** Mean negative log-likelihood of `labels` under softmax(logits / t). */
function nll(logits: Float32Array, labels: Int32Array, classes: number, t: number): number {
  let total = 0;
  for (let row = 0; row < labels.length; row++) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[row * classes + k]! / t);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(logits[row * classes + k]! / t - max);
    total += Math.log(sum) + max - logits[row * classes + labels[row]!]! / t;
  }
  return total / Math.max(1, labels.length);
}

// A handful of validation examples can push t to an extreme (perfect separation wants t → 0);
// the bounds keep calibration a correction, not a rewrite.
const LOG_MIN = Math.log(0.25);
const LOG_MAX = Math.log(4);

/** Temperature scaling (Guo et al., 2017): the t minimising validation NLL, by golden section on log t. */
export function fitTemperature(logits: Float32Array, labels: Int32Array, classes: number): number {
  if (labels.length === 0) return 1;
  const phi = (Math.sqrt(5) - 1) / 2;
  let lo = LOG_MIN;
  let hi = LOG_MAX;
  for (let i = 0; i < 40; i++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (nll(logits, labels, classes, Math.exp(a)) < nll(logits, labels, classes, Math.exp(b))) hi = b;
    else lo = a;
  }
  const t = Math.exp((lo + hi) / 2);
  // Round so tiny floating-point differences cannot change the exported bytes.
  return Math.round(t * 1e4) / 1e4;
}
