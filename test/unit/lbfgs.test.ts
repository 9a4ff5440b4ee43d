import { describe, expect, it } from 'vitest';
import { lbfgs, type Objective } from '../../trainer/heads/lbfgs';

/** ½ (x − c)ᵀ A (x − c) for a tridiagonal, ill-conditioned, positive-definite A: minimum at c. */
function quadratic(n: number): { objective: Objective; optimum: Float64Array } {
  const diagonal = Float64Array.from({ length: n }, (_, i) => 1 + 1000 * (i / n) ** 2 + 1);
  const optimum = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  const objective: Objective = (x, grad) => {
    let value = 0;
    for (let i = 0; i < n; i++) {
      const d = x[i]! - optimum[i]!;
      const left = i > 0 ? x[i - 1]! - optimum[i - 1]! : 0;
      const right = i + 1 < n ? x[i + 1]! - optimum[i + 1]! : 0;
      // Off-diagonals of −0.5 keep A diagonally dominant, hence positive definite.
      grad[i] = diagonal[i]! * d - 0.5 * (left + right);
      value += 0.5 * d * grad[i]!;
    }
    return value;
  };
  return { objective, optimum };
}

describe('L-BFGS', () => {
  it('finds the minimum of an ill-conditioned quadratic', () => {
    const { objective, optimum } = quadratic(500);
    const x = new Float64Array(500);
    const { iterations } = lbfgs(objective, x, { tolerance: 1e-9, maxIterations: 2000 });
    expect(iterations).toBeGreaterThan(10);
    // It also stops once a step gains under 1e-10 of the value: near 0 here, so about 1e-6 off.
    for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - optimum[i]!)).toBeLessThan(1e-4);
  });

  it('stops at the iteration cap and keeps fewer correction pairs than iterations when asked', () => {
    const { objective } = quadratic(200);
    const x = new Float64Array(200);
    expect(lbfgs(objective, x, { maxIterations: 3, memory: 2 }).iterations).toBe(3);
  });

  it('is bit-for-bit reproducible', () => {
    const { objective } = quadratic(300);
    const a = new Float64Array(300);
    const b = new Float64Array(300);
    lbfgs(objective, a, { memory: 4 });
    lbfgs(objective, b, { memory: 4 });
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });
});
